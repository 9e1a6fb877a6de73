// A pod's image history from one read of its status and events, through the watcher's own
// tracker and state machine, so diagnose and the watcher count attempts and classify the same way.

import { sanitizeMessage } from '../watch/classify.js';
import { containerFromFieldPath, parseImageEvent } from '../watch/event-message.js';
import { PodTracker, type PodRecord } from '../watch/pod-tracker.js';
import type { ContainerImage } from '../watch/state.js';
import type { ImageHistory } from './types.js';

export interface PodHistory {
  readonly record: PodRecord | undefined;
  /** Secrets the kubelet reported it could not retrieve. */
  readonly missingSecrets: readonly string[];
  /** Per container, the runtime error of the newest failed pull event. */
  readonly pullErrors: ReadonlyMap<string, string>;
}

/** Events are applied oldest first, then the pod status as seen now. */
export function podHistory(pod: unknown, events: readonly unknown[], now: number): PodHistory {
  const tracker = new PodTracker({ maxPods: 2 });
  const ordered = [...events].sort((a, b) => eventMillis(a) - eventMillis(b));
  const pullErrors = new Map<string, string>();
  for (const event of ordered) {
    tracker.applyEvent(event, now);
    const e = event as Record<string, unknown> | null;
    const parsed = parseImageEvent(String(e?.reason ?? ''), String(e?.message ?? ''));
    const container = containerFromFieldPath(
      (e?.involvedObject as Record<string, unknown> | undefined)?.fieldPath,
    );
    if (parsed?.kind === 'pull-failed' && container !== undefined) pullErrors.set(container, parsed.error);
  }
  tracker.applyPod(pod, now);
  const record = [...tracker.pods.values()].find((candidate) => candidate.seen);
  return { record, missingSecrets: record?.missingSecrets ?? [], pullErrors };
}

const BARE_BACK_OFF = /^Back-off pulling image "[^"]*"$/;

/**
 * The most telling kubelet message: the status's, unless it is a bare "Back-off pulling image"
 * (older kubelets), which repeats the failure without its cause; then the last failed pull's error.
 */
export function lastMessage(
  container: ContainerImage | undefined,
  pullError: string | undefined,
): string | undefined {
  const message = container?.failureMessage;
  if (message && !BARE_BACK_OFF.test(message)) return message;
  return pullError ? sanitizeMessage(pullError) : message;
}

export function imageHistory(
  container: ContainerImage | undefined,
  waitingReason?: string,
  pullError?: string,
): ImageHistory {
  if (!container) return { state: 'Waiting', attempts: 0, backOffEvents: 0 };
  return {
    state: container.state,
    ...(waitingReason ? { waitingReason } : {}),
    attempts: container.attempts,
    backOffEvents: container.backOffs,
    ...(container.lastBackOffMs !== undefined
      ? { lastBackOffSeconds: Math.round(container.lastBackOffMs / 1000) }
      : {}),
    ...(lastMessage(container, pullError) ? { lastMessage: lastMessage(container, pullError) } : {}),
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
