// Every rule module, in the order findings are reported. Adding a rule touches this list and the catalog.

import type { Rule } from '../rule.js';
import { imageRecentlyFailed } from './image-recently-failed.js';
import { imageReferenceInvalid } from './image-reference-invalid.js';
import { imageTagMutable } from './image-tag-mutable.js';
import { pullPolicyNever } from './pull-policy-never.js';

export const RULE_MODULES: readonly Rule[] = [
  imageReferenceInvalid,
  imageTagMutable,
  pullPolicyNever,
  imageRecentlyFailed,
];
