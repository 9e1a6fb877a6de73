// Every rule module, in the order findings are reported. Adding a rule touches this list and the catalog.

import type { Rule } from '../rule.js';
import { imageReferenceInvalid } from './image-reference-invalid.js';
import { imageTagMutable } from './image-tag-mutable.js';
import { pullPolicyNever } from './pull-policy-never.js';
import { imageNotFound } from './image-not-found.js';
import { platformUnavailable } from './platform-unavailable.js';
import { pullCredentialsRejected } from './pull-credentials-rejected.js';
import { pullSecretMissing } from './pull-secret-missing.js';
import { registryRateLimited } from './registry-rate-limited.js';
import { registryUnreachable } from './registry-unreachable.js';
import { registryUnresolvable } from './registry-unresolvable.js';

export const RULE_MODULES: readonly Rule[] = [
  imageReferenceInvalid,
  imageTagMutable,
  pullPolicyNever,
  pullSecretMissing,
  pullCredentialsRejected,
  imageNotFound,
  platformUnavailable,
  registryUnresolvable,
  registryUnreachable,
  registryRateLimited,
];
