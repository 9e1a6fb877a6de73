// The image state of one container of one pod incarnation, fed by container statuses and by
// kubelet events in whatever order they arrive. Pod statuses and events come over two watches,
// so they reorder; events carry second-resolution timestamps. A transition is accepted when it
// is clearly newer, or, inside the one-second tie window, when it moves forward (a pull cannot
// fail and then start again within a second: the first back-off is 10 s).

import type { PullOutcome } from '../core/outcomes.js';
import { classifyFailure, sanitizeMessage } from './classify.js';

export const FAILURE_STATES = [
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrImageNeverPull',
  'InvalidImageName',
  'ImageInspectError',
  'RegistryUnavailable',
  'SignatureValidationFailed',
] as const;
export type FailureState = (typeof FAILURE_STATES)[number];

/** `ImageReady`: the container started (status), but no event said whether it pulled or hit the cache. */
export type ImageState = 'Waiting' | 'Pulling' | 'Pulled' | 'CachedOnNode' | 'ImageReady' | FailureState;

const FAILURES: ReadonlySet<string> = new Set(FAILURE_STATES);

export function isFailureState(state: string): state is FailureState {
  return FAILURES.has(state);
}

export function isSuccessState(state: ImageState): boolean {
  return state === 'Pulled' || state === 'CachedOnNode' || state === 'ImageReady';
}

function rank(state: ImageState): number {
  if (state === 'Waiting') return 0;
  if (state === 'Pulling') return 1;
  return isSuccessState(state) ? 3 : 2;
}

const TIE_MS = 1000;
const MAX_EVENT_KEYS = 16;

export interface ContainerImage {
  readonly name: string;
  image: string | undefined;
  state: ImageState;
  /** Time of the last accepted transition (ms since epoch; event time or observation time). */
  at: number;
  /** The last failure: waiting reason, sanitised runtime text and its category. */
  failureReason?: FailureState;
  failureMessage?: string;
  outcome?: PullOutcome;
  /** Failed pull attempts: the larger of what events counted and what statuses showed. */
  attempts: number;
  /** Back-offs entered (ImagePullBackOff), same rule. */
  backOffs: number;
  /** Time between the last two failed attempts, i.e. the back-off the kubelet applied plus the pull. */
  lastBackOffMs?: number;
  pullDurationMs?: number;
  pullWaitingMs?: number;
  sizeBytes?: number;
  /** How the image got onto the node, set once per incarnation. */
  obtained?: 'pulled' | 'cached' | 'unknown';
  lastFailureAt?: number;
  /** Per event key (name), the count already applied, so updates and re-lists count once. */
  readonly eventCounts: Map<string, number>;
  eventAttempts: number;
  eventBackOffs: number;
  statusAttempts: number;
  statusBackOffs: number;
  /** The ledger has counted this container (once per incarnation). */
  judged: boolean;
  /** A confirmed failure was reported (Kubernetes Event, history). */
  reported: boolean;
}

export function newContainerImage(name: string, image: string | undefined, at: number): ContainerImage {
  return {
    name,
    image,
    state: 'Waiting',
    at,
    attempts: 0,
    backOffs: 0,
    eventCounts: new Map(),
    eventAttempts: 0,
    eventBackOffs: 0,
    statusAttempts: 0,
    statusBackOffs: 0,
    judged: false,
    reported: false,
  };
}

export interface Observation {
  readonly state: ImageState;
  readonly at: number;
  readonly source: 'status' | 'event';
  /** Runtime error text for failures. */
  readonly message?: string;
}

/** Applies one observation; returns true when the container's state changed. */
export function applyObservation(container: ContainerImage, observation: Observation): boolean {
  const { state, at } = observation;
  if (
    observation.message &&
    isFailureState(state) &&
    (accepts(container, state, at) || state === container.state)
  ) {
    recordFailureText(container, state, observation.message);
  }
  if (state === container.state) {
    container.at = Math.max(container.at, at);
    return false;
  }
  if (!accepts(container, state, at)) return false;
  const previous = container.state;
  if (observation.source === 'status') countStatusTransition(container, previous, state, at);
  if (isFailureState(state) && !container.failureReason) container.failureReason = state;
  if (state === 'ErrImageNeverPull' || state === 'InvalidImageName')
    recordFailureText(container, state, observation.message);
  container.state = state;
  container.at = Math.max(container.at, at);
  if (state === 'Pulled') container.obtained ??= 'pulled';
  if (state === 'CachedOnNode') container.obtained ??= 'cached';
  if (state === 'ImageReady') container.obtained ??= 'unknown';
  return true;
}

function accepts(container: ContainerImage, next: ImageState, at: number): boolean {
  const current = container.state;
  if (isSuccessState(current) && isSuccessState(next)) {
    // An event refines a status-only success; otherwise the first success stands.
    return current === 'ImageReady' && next !== 'ImageReady';
  }
  if (at > container.at + TIE_MS) return true;
  if (at < container.at - TIE_MS) return false;
  return rank(next) >= rank(current);
}

function recordFailureText(
  container: ContainerImage,
  state: FailureState,
  message: string | undefined,
): void {
  const reason = state === 'ImagePullBackOff' ? 'ErrImagePull' : state;
  container.failureReason = reason;
  if (message) container.failureMessage = sanitizeMessage(message);
  const outcome = classifyFailure(reason, message);
  // A back-off repeats the last failure without its cause: keep the category the pull error gave.
  if (outcome !== 'unknown' || container.outcome === undefined) container.outcome = outcome;
}

function countStatusTransition(
  container: ContainerImage,
  previous: ImageState,
  next: ImageState,
  at: number,
): void {
  if (next === 'ErrImagePull' && previous !== 'ErrImagePull') {
    container.statusAttempts += 1;
    noteAttempt(container, at);
  }
  if (next === 'ImagePullBackOff' && previous !== 'ImagePullBackOff') {
    container.statusBackOffs += 1;
    if (previous !== 'ErrImagePull') container.statusAttempts += 1;
  }
  container.attempts = Math.max(container.attempts, container.statusAttempts);
  container.backOffs = Math.max(container.backOffs, container.statusBackOffs);
}

function noteAttempt(container: ContainerImage, at: number): void {
  if (container.lastFailureAt !== undefined && at > container.lastFailureAt) {
    container.lastBackOffMs = at - container.lastFailureAt;
  }
  container.lastFailureAt = at;
}

/**
 * Counts an aggregated event occurrence once: the kubelet bumps `count` on the same event object
 * for each repeat, and informers deliver it again on updates and re-lists. Returns the new repeats.
 */
export function countEvent(
  container: ContainerImage,
  key: string,
  count: number,
  kind: 'attempt' | 'backoff',
  at: number,
): number {
  const before = container.eventCounts.get(key) ?? 0;
  if (count <= before) return 0;
  if (!container.eventCounts.has(key) && container.eventCounts.size >= MAX_EVENT_KEYS) return 0;
  container.eventCounts.set(key, count);
  const added = count - before;
  if (kind === 'attempt') {
    container.eventAttempts += added;
    if (before > 0 && container.lastFailureAt !== undefined && at > container.lastFailureAt) {
      container.lastBackOffMs = Math.round((at - container.lastFailureAt) / added);
    }
    if (container.lastFailureAt === undefined || at > container.lastFailureAt) container.lastFailureAt = at;
    container.attempts = Math.max(container.attempts, container.eventAttempts);
  } else {
    container.eventBackOffs += added;
    container.backOffs = Math.max(container.backOffs, container.eventBackOffs);
  }
  return added;
}
