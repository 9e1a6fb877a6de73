import type { Rule } from '../rule.js';

/** NXDOMAIN for the registry host: the kubelet would fail with "no such host". */
export const registryUnresolvable: Rule = {
  id: 'registry-unresolvable',
  check(context) {
    const results = context.decidingResults;
    if (results.length === 0 || !results.every((result) => result.outcome === 'dns-nxdomain'))
      return undefined;
    return { detail: `lookup ${context.ref?.domain ?? 'registry'}: no such host`, certain: true };
  },
};
