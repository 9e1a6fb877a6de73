import { quote } from '../finding.js';
import type { Rule } from '../rule.js';

/** Every credential matching the registry was refused (401/403): the kubelet's pull fails with each. */
export const pullCredentialsRejected: Rule = {
  id: 'pull-credentials-rejected',
  check(context) {
    const probes = context.imageFacts?.withCredentials ?? [];
    if (probes.length === 0) return undefined;
    const refused = probes.every(
      (probe) => probe.result.outcome === 'unauthorized' || probe.result.outcome === 'forbidden',
    );
    if (!refused) return undefined;
    const status = probes.some((probe) => probe.result.outcome === 'unauthorized')
      ? '401 Unauthorized'
      : '403 Forbidden';
    const named = probes
      .slice(0, 3)
      .map((probe) => `${quote(probe.secretName)} (key ${quote(probe.key.slice(0, 60))})`)
      .join(', ');
    const more = probes.length > 3 ? ` and ${probes.length - 3} more` : '';
    return {
      detail: `${status}: the registry refused the credentials of secret ${named}${more}`,
      certain: true,
    };
  },
};
