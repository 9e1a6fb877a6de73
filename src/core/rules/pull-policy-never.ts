import type { Rule } from '../rule.js';

/** Never: the kubelet fails at once with ErrImageNeverPull on any node without the image. */
export const pullPolicyNever: Rule = {
  id: 'pull-policy-never',
  check({ pullPolicy }) {
    if (pullPolicy !== 'Never') return undefined;
    return {
      detail: 'imagePullPolicy Never runs only where the image is preloaded (else ErrImageNeverPull)',
      certain: true,
    };
  },
};
