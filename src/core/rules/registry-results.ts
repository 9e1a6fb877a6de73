// Shared reading of a container's registry facts for the registry rules (not a rule itself):
// the probes that decide the pull are the credentialed ones when credentials matched (the kubelet
// tries them in turn), else the anonymous one.

import { matchRegistry, mirrorImage } from '../../registry/registry-match.js';
import type { ImageFacts, ProbeResult } from '../facts.js';
import type { RuleContext, RuleHit } from '../rule.js';

const NONE: readonly ProbeResult[] = Object.freeze([]);

/** The probe results that decide the pull; empty when nothing was probed (the engine puts them on the rule context). */
export function decidingResults(facts: ImageFacts | undefined): readonly ProbeResult[] {
  if (!facts) return NONE;
  if (facts.withCredentials && facts.withCredentials.length > 0)
    return facts.withCredentials.map((probe) => probe.result);
  return facts.anonymous ? [facts.anonymous] : NONE;
}

/** True when some deciding probe found the image: the pull would succeed. */
export function pullSucceeds(results: readonly ProbeResult[]): boolean {
  return results.some((result) => result.outcome === 'ok');
}

/** The registry's own error code in parentheses, for messages. */
export function codeSuffix(result: ProbeResult | undefined): string {
  return result?.registryCode ? ` (${result.registryCode})` : '';
}

/** A hit whose patch rewrites the image to the configured mirror of its registry, when one exists. */
export function withMirrorPatch(context: RuleContext, hit: RuleHit): RuleHit {
  if (!context.ref) return hit;
  const mirrored = mirrorImage(context.ref, matchRegistry(context.config, context.ref));
  if (!mirrored) return hit;
  return {
    ...hit,
    patch: [{ op: 'replace', path: `${context.container.pointer}/image`, value: mirrored }],
    patchNote: `rewritten to the mirror ${JSON.stringify(mirrored)}`,
  };
}
