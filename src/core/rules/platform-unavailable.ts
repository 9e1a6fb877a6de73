import type { Platform } from '../facts.js';
import type { Rule } from '../rule.js';

/**
 * The image index has no entry for the platform of any node the pod can land on; containerd would
 * fail with "no match for platform in manifest". Certain when the node facts are complete, or when
 * there are none and the configured platform stands in for them.
 */
export const platformUnavailable: Rule = {
  id: 'platform-unavailable',
  check({ facts, config, decidingResults }) {
    const ok = decidingResults.find((result) => result.outcome === 'ok');
    const offered = ok?.platforms;
    if (!offered || offered.length === 0) return undefined;
    const wanted = facts.nodes
      ? facts.nodes.candidates.map((node) => node.platform)
      : [parsePlatform(config.platform)];
    if (wanted.length === 0) return undefined;
    if (wanted.some((platform) => offered.some((entry) => platformMatches(platform, entry))))
      return undefined;
    const certain = facts.nodes ? facts.nodes.complete : true;
    const source = facts.nodes ? 'nodes are' : 'configured platform is';
    return {
      detail: `no match for platform in manifest: image offers ${list(offered)}; ${source} ${list(wanted)}`,
      certain,
    };
  },
};

function parsePlatform(text: string): Platform {
  const [os = '', architecture = '', variant] = text.split('/');
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** containerd's matcher in short: os and architecture equal; a variant counts only when both name one. */
function platformMatches(node: Platform, entry: Platform): boolean {
  if (node.os !== entry.os || node.architecture !== entry.architecture) return false;
  const normalise = (p: Platform) =>
    p.architecture === 'arm64' && p.variant === 'v8' ? undefined : p.variant;
  const a = normalise(node);
  const b = normalise(entry);
  return a === undefined || b === undefined || a === b;
}

function list(platforms: readonly Platform[]): string {
  const names = [
    ...new Set(platforms.map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/'))),
  ];
  return names.length > 4 ? `${names.slice(0, 4).join(', ')}, ...` : names.join(', ');
}
