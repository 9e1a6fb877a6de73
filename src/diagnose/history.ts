// A pod's image history from one read of its status and events, through the watcher's own
// tracker and state machine, so diagnose and the watcher count attempts and classify the same way.

import { PodTracker, type PodRecord } from '../watch/pod-tracker.js';
import type { ContainerImage } from '../watch/state.js';
import type { ImageHistory } from './types.js';

export interface PodHistory {
  readonly record: PodRecord | undefined;
  /** Secrets the kubelet reported it could not retrieve. */
  readonly missingSecrets: readonly string[];
}

/** Events are applied oldest first, then the pod status as seen now. */
export function podHistory(pod: unknown, events: readonly unknown[], now: number): PodHistory {
  const tracker = new PodTracker({ maxPods: 2 });
  const ordered = [...events].sort((a, b) => eventMillis(a) - eventMillis(b));
  for (const event of ordered) tracker.applyEvent(event, now);
  tracker.applyPod(pod, now);
  const record = [...tracker.pods.values()].find((candidate) => candidate.seen);
  return { record, missingSecrets: record?.missingSecrets ?? [] };
}

export function imageHistory(container: ContainerImage | undefined, waitingReason?: string): ImageHistory {
  if (!container) return { state: 'Waiting', attempts: 0, backOffs: 0 };
  return {
    state: container.state,
    ...(waitingReason ? { waitingReason } : {}),
    attempts: container.attempts,
    backOffs: container.backOffs,
    ...(container.lastBackOffMs !== undefined
      ? { lastBackOffSeconds: Math.round(container.lastBackOffMs / 1000) }
      : {}),
    ...(container.failureMessage ? { lastMessage: container.failureMessage } : {}),
  };
}

function eventMillis(event: unknown): number {
  const e = event as Record<string, unknown> | null;
  for (const value of [e?.lastTimestamp, e?.eventTime, e?.firstTimestamp]) {
    if (typeof value === 'string' || value instanceof Date) {
      const ms = new Date(value).getTime();
      if (Number.isFinite(ms)) return ms;
    }
  }
  return 0;
}
