// Pods by uid, each with its containers' image states. Pod objects and kubelet events feed the
// same records; events of an earlier incarnation (a pod deleted and recreated under the same
// name) are recognised by involvedObject.uid and ignored. Memory stays bounded: deleted pods are
// forgotten once the pipeline has reported them, and the number of tracked pods is capped.

import { isObject, type JsonObject } from '../workload/walker.js';
import { containerFromFieldPath, parseImageEvent } from './event-message.js';
import {
  applyObservation,
  countEvent,
  isFailureState,
  newContainerImage,
  type ContainerImage,
  type ImageState,
} from './state.js';
import { readPrediction, type Prediction } from './prediction-annotation.js';

export interface PodRecord {
  readonly uid: string;
  namespace: string;
  name: string;
  /** The pod object itself was seen (events may arrive first). */
  seen: boolean;
  deleted: boolean;
  prediction: Prediction | undefined;
  readonly containers: Map<string, ContainerImage>;
  /** Pull secrets the kubelet could not read (FailedToRetrieveImagePullSecret). */
  missingSecrets?: readonly string[];
  lastActivity: number;
}

export interface TrackerChange {
  readonly pod: PodRecord;
  readonly container: ContainerImage;
}

export interface TrackerOptions {
  readonly maxPods: number;
  /** How many recently forgotten uids to remember, so their late events are ignored. */
  readonly forgottenCapacity?: number;
}

const STATUS_LISTS = ['initContainerStatuses', 'containerStatuses', 'ephemeralContainerStatuses'] as const;
const SPEC_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

export class PodTracker {
  readonly pods = new Map<string, PodRecord>();
  private readonly byName = new Map<string, string>();
  private readonly forgotten = new Set<string>();
  private readonly forgottenCapacity: number;

  constructor(private readonly options: TrackerOptions) {
    this.forgottenCapacity = options.forgottenCapacity ?? Math.max(1000, options.maxPods);
  }

  get size(): number {
    return this.pods.size;
  }

  /** A pod added or updated; returns the containers whose image state changed. */
  applyPod(pod: unknown, now: number): TrackerChange[] {
    const meta = podMeta(pod);
    if (!meta || this.forgotten.has(meta.uid)) return [];
    const record = this.recordFor(meta.uid, meta.namespace, meta.name, now, true);
    if (!record) return [];
    const firstSight = !record.seen;
    record.seen = true;
    record.prediction ??= readPrediction(meta.annotations);
    const spec = isObject((pod as JsonObject).spec) ? ((pod as JsonObject).spec as JsonObject) : {};
    for (const list of SPEC_LISTS) {
      for (const item of arrayOf(spec[list])) {
        if (typeof item.name === 'string')
          this.container(record, item.name, now).image ??= stringOr(item.image);
      }
    }
    const status = isObject((pod as JsonObject).status) ? ((pod as JsonObject).status as JsonObject) : {};
    // Containers that events moved before the pod was seen are reported now, with the prediction.
    const changes: TrackerChange[] = firstSight
      ? [...record.containers.values()].map((container) => ({ pod: record, container }))
      : [];
    for (const list of STATUS_LISTS) {
      for (const item of arrayOf(status[list])) {
        if (typeof item.name !== 'string') continue;
        const observed = statusState(item);
        if (!observed) continue;
        const container = this.container(record, item.name, now);
        if (applyObservation(container, { ...observed, at: now, source: 'status' }))
          changes.push({ pod: record, container });
      }
    }
    return changes;
  }

  /** A core/v1 Event whose involved object is a Pod. */
  applyEvent(event: unknown, now: number): TrackerChange[] {
    if (!isObject(event) || !isObject(event.involvedObject)) return [];
    const involved = event.involvedObject;
    if (involved.kind !== undefined && involved.kind !== 'Pod') return [];
    const namespace = stringOr(involved.namespace) ?? '';
    const name = stringOr(involved.name) ?? '';
    const uid = stringOr(involved.uid) ?? this.byName.get(`${namespace}/${name}`);
    if (!uid || this.forgotten.has(uid)) return [];
    const current = this.byName.get(`${namespace}/${name}`);
    const known = this.pods.get(uid);
    // An event of an old incarnation, while a newer pod of that name is tracked.
    if (!known && current !== undefined && current !== uid && this.pods.get(current)?.seen) return [];
    const parsed = parseImageEvent(stringOr(event.reason) ?? '', stringOr(event.message) ?? '');
    if (!parsed) return [];
    const record = this.recordFor(uid, namespace, name, now, false);
    if (!record) return [];
    record.lastActivity = now;
    if (parsed.kind === 'missing-secrets') {
      record.missingSecrets = parsed.names.slice(0, 8);
      return [];
    }
    const containerName = containerFromFieldPath(involved.fieldPath);
    if (containerName === undefined) return [];
    const container = this.container(record, containerName, now);
    if ('image' in parsed && parsed.image) container.image ??= parsed.image;
    const at = eventTime(event) ?? now;
    const count = typeof event.count === 'number' ? event.count : seriesCount(event);
    const key = stringOr((event.metadata as JsonObject | undefined)?.name) ?? `${parsed.kind}`;
    let observed: { state: ImageState; message?: string } | undefined;
    switch (parsed.kind) {
      case 'pulling':
        observed = { state: 'Pulling' };
        break;
      case 'pulled':
        observed = { state: 'Pulled' };
        if (parsed.durationMs !== undefined) container.pullDurationMs = parsed.durationMs;
        if (parsed.waitingMs !== undefined) container.pullWaitingMs = parsed.waitingMs;
        if (parsed.sizeBytes !== undefined) container.sizeBytes = parsed.sizeBytes;
        break;
      case 'cached':
        observed = { state: 'CachedOnNode' };
        break;
      case 'pull-failed':
        countEvent(container, key, count, 'attempt', at);
        observed = { state: 'ErrImagePull', message: parsed.error };
        break;
      case 'backoff':
        countEvent(container, key, count, 'backoff', at);
        observed = { state: 'ImagePullBackOff' };
        break;
      case 'never-pull':
        observed = {
          state: 'ErrImageNeverPull',
          message: `Container image "${parsed.image}" is not present with pull policy of Never`,
        };
        break;
      case 'invalid-name':
        observed = { state: 'InvalidImageName', message: parsed.error };
        break;
      case 'inspect-failed':
        observed = { state: 'ImageInspectError', message: parsed.error };
        break;
      case 'error-reason':
        observed = { state: parsed.reason as ImageState };
        break;
    }
    return applyObservation(container, { ...observed, at, source: 'event' })
      ? [{ pod: record, container }]
      : [];
  }

  /** The pod was deleted: mark it; the pipeline reports it, then calls forget(). */
  markDeleted(pod: unknown): PodRecord | undefined {
    const meta = podMeta(pod);
    const record = meta ? this.pods.get(meta.uid) : undefined;
    if (record) record.deleted = true;
    return record;
  }

  forget(uid: string): void {
    const record = this.pods.get(uid);
    if (!record) return;
    this.pods.delete(uid);
    const key = `${record.namespace}/${record.name}`;
    if (this.byName.get(key) === uid) this.byName.delete(key);
    this.forgotten.add(uid);
    if (this.forgotten.size > this.forgottenCapacity) {
      const oldest = this.forgotten.values().next().value;
      if (oldest !== undefined) this.forgotten.delete(oldest);
    }
  }

  private recordFor(
    uid: string,
    namespace: string,
    name: string,
    now: number,
    fromPod: boolean,
  ): PodRecord | undefined {
    let record = this.pods.get(uid);
    if (!record) {
      if (this.pods.size >= this.options.maxPods) return undefined;
      record = {
        uid,
        namespace,
        name,
        seen: false,
        deleted: false,
        prediction: undefined,
        containers: new Map(),
        lastActivity: now,
      };
      this.pods.set(uid, record);
    }
    const key = `${namespace}/${name}`;
    const previous = this.byName.get(key);
    if (fromPod || previous === undefined) this.byName.set(key, uid);
    // A newer incarnation replaced an older one that never got its delete: the old one is stale.
    if (fromPod && previous !== undefined && previous !== uid && !this.pods.get(previous)?.seen)
      this.forget(previous);
    record.lastActivity = now;
    return record;
  }

  private container(record: PodRecord, name: string, now: number): ContainerImage {
    let container = record.containers.get(name);
    if (!container) {
      container = newContainerImage(name, undefined, 0);
      container.at = now - 1_000_000_000; // older than anything, so the first observation always applies
      record.containers.set(name, container);
    }
    return container;
  }
}

function podMeta(
  pod: unknown,
): { uid: string; namespace: string; name: string; annotations: unknown } | undefined {
  if (!isObject(pod) || !isObject(pod.metadata)) return undefined;
  const { uid, namespace, name, annotations } = pod.metadata;
  if (typeof uid !== 'string' || uid === '') return undefined;
  return { uid, namespace: stringOr(namespace) ?? '', name: stringOr(name) ?? '', annotations };
}

/** The image state a container status implies, or undefined when it says nothing about the image. */
function statusState(status: JsonObject): { state: ImageState; message?: string } | undefined {
  const state = isObject(status.state) ? status.state : {};
  if (isObject(state.waiting)) {
    const reason = stringOr(state.waiting.reason);
    if (reason && isFailureState(reason)) {
      const message = stringOr(state.waiting.message);
      return { state: reason as ImageState, ...(message ? { message } : {}) };
    }
    // CrashLoopBackOff, CreateContainerConfigError, ...: the image was there once the container ran.
    if (
      reason === 'CrashLoopBackOff' ||
      (isObject(status.lastState) && isObject((status.lastState as JsonObject).terminated))
    ) {
      return { state: 'ImageReady' };
    }
    return undefined;
  }
  if (isObject(state.running) || isObject(state.terminated)) return { state: 'ImageReady' };
  return undefined;
}

function eventTime(event: JsonObject): number | undefined {
  const series = isObject(event.series) ? event.series.lastObservedTime : undefined;
  for (const value of [event.lastTimestamp, series, event.eventTime, event.firstTimestamp]) {
    if (typeof value === 'string' || value instanceof Date) {
      const ms = new Date(value).getTime();
      if (Number.isFinite(ms)) return ms;
    }
  }
  return undefined;
}

function seriesCount(event: JsonObject): number {
  return isObject(event.series) && typeof event.series.count === 'number' ? event.series.count : 1;
}

function arrayOf(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
