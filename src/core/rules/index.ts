// Every rule module, in catalog order (the order findings are reported in for one container).
// Adding a rule touches this list and the catalog.

import type { Rule } from '../rule.js';
import { imageNotFound } from './image-not-found.js';
import { imageRecentlyFailed } from './image-recently-failed.js';
import { imageReferenceInvalid } from './image-reference-invalid.js';
import { imageTagMutable } from './image-tag-mutable.js';
import { platformUnavailable } from './platform-unavailable.js';
import { pullCredentialsRejected } from './pull-credentials-rejected.js';
import { pullPolicyNever } from './pull-policy-never.js';
import { pullPolicyNeverAbsent } from './pull-policy-never-absent.js';
import { pullSecretInvalid } from './pull-secret-invalid.js';
import { pullSecretMissing } from './pull-secret-missing.js';
import { pullSecretNotFound } from './pull-secret-not-found.js';
import { registryRateLimited } from './registry-rate-limited.js';
import { registryUnreachable } from './registry-unreachable.js';
import { registryUnresolvable } from './registry-unresolvable.js';

export const RULE_MODULES: readonly Rule[] = [
  imageReferenceInvalid,
  imageTagMutable,
  pullPolicyNever,
  pullPolicyNeverAbsent,
  pullSecretNotFound,
  pullSecretInvalid,
  pullSecretMissing,
  pullCredentialsRejected,
  imageNotFound,
  platformUnavailable,
  registryUnresolvable,
  registryUnreachable,
  registryRateLimited,
  imageRecentlyFailed,
];
