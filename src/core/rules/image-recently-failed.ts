import { formatReference } from '../../image/reference.js';
import type { Rule } from '../rule.js';

/**
 * The watcher saw this exact image fail to pull in this cluster within its window. A warning
 * only: the cause may be gone, or may be specific to the failing pod (its secrets, its node).
 */
export const imageRecentlyFailed: Rule = {
  id: 'image-recently-failed',
  check({ ref, facts }) {
    if (!ref || facts.recentFailures.size === 0) return undefined;
    const failure = facts.recentFailures.get(formatReference(ref));
    if (!failure) return undefined;
    const pods = failure.pods === 1 ? '1 pod' : `${failure.pods} pods`;
    return {
      detail: `kubelet reported ${failure.reason} (${failure.outcome}) for ${pods}, last at ${failure.lastSeen}`,
      certain: true,
    };
  },
};
