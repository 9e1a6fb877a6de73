import type { Rule } from '../rule.js';
import { quoted, reportsOn } from './pod-level.js';

/**
 * A referenced imagePullSecret that does not exist: the kubelet emits FailedToRetrieveImagePullSecret
 * and pulls without it. Reported once per pod (see pod-level.ts). Secrets whose existence is unknown
 * (API unreachable, audit without the Secret in its manifests) are never called missing, and, this
 * being a warn-level rule, yield no finding (contract: a check without its facts reports nothing).
 */
export const pullSecretNotFound: Rule = {
  id: 'pull-secret-not-found',
  check(context) {
    const { facts, workload } = context;
    if (!reportsOn(context, undefined)) return undefined;
    const ns = workload.namespace ?? 'default';
    const pullSecrets = facts.pullSecrets;
    if (!pullSecrets) return undefined;
    const via =
      pullSecrets.source === 'serviceAccount'
        ? ` (from ServiceAccount "${pullSecrets.serviceAccount?.name}")`
        : '';
    const missing = pullSecrets.secrets.filter((s) => s.status === 'not-found').map((s) => s.name);
    if (missing.length > 0) {
      const noun = missing.length === 1 ? 'imagePullSecret' : 'imagePullSecrets';
      return {
        detail: `${noun} ${quoted(missing)}${via} not found in namespace ${ns} as a docker config secret; the kubelet pulls without it`,
        certain: true,
      };
    }
    if (pullSecrets.serviceAccount?.status === 'not-found' && pullSecrets.source === 'none') {
      return {
        detail: `ServiceAccount "${pullSecrets.serviceAccount.name}" not found in namespace ${ns}, so no imagePullSecrets come from it`,
        certain: true,
      };
    }
    return undefined;
  },
};
