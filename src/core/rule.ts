// What a rule is: a stable id from the catalog and a pure check over one container of a workload.

import type { ImageReference, PullPolicy } from '../image/reference.js';
import type { ContainerEntry, Workload } from '../workload/walker.js';
import type { Config } from '../config/schema.js';
import type { RuleId } from './catalog.js';
import type { Facts, ImageFacts, ProbeResult } from './facts.js';
import type { JsonPatchOp } from './patch.js';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface RuleContext {
  readonly workload: Workload;
  readonly container: ContainerEntry;
  /** The image as written (a non-string image is shown as its JSON). */
  readonly image: string;
  /** The parsed reference; undefined when the image breaks the grammar. */
  readonly ref: ImageReference | undefined;
  /** The policy the kubelet will apply (given, or the API server's default). */
  readonly pullPolicy: PullPolicy;
  readonly facts: Facts;
  /** `facts.images` of this container (read by every registry rule, so looked up once). */
  readonly imageFacts: ImageFacts | undefined;
  /** The probe results that decide its pull (see registry-results.ts); empty when not probed. */
  readonly decidingResults: readonly ProbeResult[];
  readonly config: Config;
  readonly operation: Operation;
}

export interface RuleHit {
  /** What is wrong, after the `[rule] container "x" image "y": ` prefix the engine adds. */
  readonly detail: string;
  /** False when a fact the rule needs is unknown: the finding can then warn but never deny. */
  readonly certain: boolean;
  /** The fix, when one exists and the facts allow it. */
  readonly patch?: readonly JsonPatchOp[];
  /** The patch changes a Pod field that is immutable after creation (pull policy, pull secrets). */
  readonly podCreateOnly?: boolean;
  /** Shown instead of `detail` when the patch is applied. */
  readonly patchNote?: string;
}

export interface Rule {
  readonly id: RuleId;
  check(context: RuleContext): RuleHit | undefined;
}
