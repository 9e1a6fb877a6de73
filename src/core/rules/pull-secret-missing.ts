import { addConfiguredPullSecretPatch } from '../../cluster/pull-secret-patch.js';
import { matchRegistry } from '../../registry/registry-match.js';
import type { Rule } from '../rule.js';

/**
 * The registry half of pull-secret-missing: the registry needs credentials (declared private in
 * the configuration, or it refused the anonymous probe with 401/403) and no credential of the pod
 * or its ServiceAccount matched it, so the kubelet pulls anonymously and fails. When the pod's pull
 * secrets are unknown (no cluster facts, a Secret that could not be read) it only warns.
 */
export const pullSecretMissing: Rule = {
  id: 'pull-secret-missing',
  check({ ref, facts, config, workload, imageFacts: images }) {
    if (!ref) return undefined;
    if (images?.withCredentials && images.withCredentials.length > 0) return undefined;
    const entry = matchRegistry(config, ref);
    const anonymous = images?.anonymous?.outcome;
    // Hidden behind not-found: anonymous says absent, the auditor's own credentials see it.
    const hidden = anonymous === 'not-found' && images?.withToolCredentials?.outcome === 'ok';
    const refused = anonymous === 'unauthorized' || anonymous === 'forbidden' || hidden;
    if (!entry?.private && !refused) return undefined;
    if (anonymous === 'ok') return undefined; // declared private, yet it serves this image anonymously
    const why = hidden
      ? 'not found without credentials, found with the auditor credentials'
      : refused
        ? `${anonymous === 'unauthorized' ? '401 Unauthorized' : '403 Forbidden'} without credentials`
        : 'declared private';
    const unknown =
      facts.pullSecrets === undefined ||
      facts.pullSecrets.secrets.some((secret) => secret.status === 'unknown');
    const detail = unknown
      ? `${ref.domain} is ${why} and the pod's pull secrets could not be checked (${facts.clusterUnknown ?? 'a secret could not be read'})`
      : `no imagePullSecret matches ${ref.domain} (${why}); add one (kubectl create secret docker-registry ...)`;
    const patch = unknown ? undefined : addConfiguredPullSecretPatch(workload, ref, config, facts);
    if (!patch) return { detail, certain: !unknown };
    return {
      detail,
      certain: true,
      podCreateOnly: true,
      patch,
      patchNote: `added imagePullSecret ${JSON.stringify(entry?.pullSecret)} for ${ref.domain}`,
    };
  },
};
