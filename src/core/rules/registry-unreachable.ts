import { isUnreachable } from '../outcomes.js';
import type { Rule } from '../rule.js';
import { pullSucceeds, withMirrorPatch } from './registry-results.js';

/**
 * The registry could not be asked (refused, reset, timed out, TLS, a blocked address) or the probe
 * did not finish within the budget. Never certain: the nodes may reach what the webhook cannot.
 */
export const registryUnreachable: Rule = {
  id: 'registry-unreachable',
  check(context) {
    const facts = context.imageFacts;
    const results = context.decidingResults;
    if (pullSucceeds(results)) return undefined;
    const failed = results.find(
      (result) =>
        isUnreachable(result.outcome) || result.outcome === 'blocked' || result.outcome === 'unknown',
    );
    if (failed) {
      return withMirrorPatch(context, {
        detail: `could not check the image: ${failed.detail ?? failed.outcome}`,
        certain: false,
      });
    }
    if (facts?.skipped && results.length === 0)
      return withMirrorPatch(context, { detail: facts.skipped, certain: false });
    return undefined;
  },
};
