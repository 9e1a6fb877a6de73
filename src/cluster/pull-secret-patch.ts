// The fix for pull-secret-missing: add the pullSecret configured for the image's registry, but
// only when that Secret exists in the namespace (adding a missing one would change nothing) and is
// not already referenced. Pods take it on CREATE only (imagePullSecrets is immutable after).

import type { Config } from '../config/schema.js';
import type { Facts } from '../core/facts.js';
import type { JsonPatchOp } from '../core/patch.js';
import type { ImageReference } from '../image/reference.js';
import { matchRegistry } from '../registry/registry-match.js';
import { imagePullSecretNames, type Workload } from '../workload/walker.js';

/** The pullSecret of the configured registry entry the image belongs to. */
export function configuredPullSecret(ref: ImageReference, config: Config): string | undefined {
  return matchRegistry(config, ref)?.pullSecret;
}

/**
 * JSON Patch adding the configured secret to the pod spec, or undefined when there is nothing
 * certain to add: no configured secret, already referenced, or not known to exist.
 * The caller's rule marks the hit podCreateOnly.
 */
export function addConfiguredPullSecretPatch(
  workload: Workload,
  ref: ImageReference,
  config: Config,
  facts: Facts,
): JsonPatchOp[] | undefined {
  const secret = configuredPullSecret(ref, config);
  if (secret === undefined || !facts.pullSecrets) return undefined;
  if (imagePullSecretNames(workload.podSpec).includes(secret)) return undefined;
  if (facts.configuredSecrets?.get(secret) !== 'found') return undefined;
  const path = `${workload.podSpecPointer}/imagePullSecrets`;
  const list = workload.podSpec.imagePullSecrets;
  if (Array.isArray(list)) return [{ op: 'add', path: `${path}/-`, value: { name: secret } }];
  // The pod listed none: it would have taken its ServiceAccount's list, so keep those next to the new one.
  const inherited =
    facts.pullSecrets.source === 'serviceAccount'
      ? facts.pullSecrets.secrets.map((s) => ({ name: s.name }))
      : [];
  return [{ op: 'add', path, value: [...inherited, { name: secret }] }];
}
