import type { Rule } from '../rule.js';
import { reportsOn } from './pod-level.js';

/**
 * A referenced secret the kubelet cannot use: wrong type or missing key (skipped silently), bad
 * JSON or bad base64 (the pull fails), empty auths. One finding per invalid secret, each on the
 * first container it would serve, else the pod's first container (pod-level.ts).
 */
export const pullSecretInvalid: Rule = {
  id: 'pull-secret-invalid',
  check(context) {
    const invalid = (context.facts.pullSecrets?.secrets ?? []).filter(
      (s) => s.status === 'found' && s.invalid,
    );
    const here = invalid.filter((secret) => reportsOn(context, secret));
    if (here.length === 0) return undefined;
    const detail = here.map((secret) => `imagePullSecret "${secret.name}": ${secret.invalid}`).join('; ');
    return { detail, certain: true };
  },
};
