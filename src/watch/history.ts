// Images that failed to pull recently, keyed by the fully qualified reference, served to
// admission through the FailureHistory interface. Bounded: oldest entries go first, and
// entries older than the window are neither served nor kept.

import type { RecentFailure } from '../core/facts.js';
import type { FailureHistory } from '../core/gather.js';
import type { PullOutcome } from '../core/outcomes.js';
import { formatReference, parseImageReference } from '../image/reference.js';

export interface RecentFailuresOptions {
  readonly windowMs: number;
  readonly maxEntries: number;
  readonly now: () => number;
}

interface Entry {
  outcome: PullOutcome;
  reason: string;
  message: string;
  lastSeen: number;
  readonly pods: Set<string>;
}

/** Failures that depend on the pod (its credentials, its node), so one pod's success does not clear them. */
const POD_DEPENDENT: ReadonlySet<PullOutcome> = new Set([
  'unauthorized',
  'forbidden',
  'never-pull',
  'platform-mismatch',
]);
const MAX_PODS_COUNTED = 1000;

/** The key admission asks with: formatReference(parse(image)); undefined for unparsable images. */
export function historyKey(image: string): string | undefined {
  const parsed = parseImageReference(image);
  return parsed.ok ? formatReference(parsed.ref) : undefined;
}

export class RecentFailures implements FailureHistory {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: RecentFailuresOptions) {}

  get size(): number {
    return this.entries.size;
  }

  recordFailure(
    reference: string,
    failure: { outcome: PullOutcome; reason: string; message: string; podUid: string; at: number },
  ): void {
    let entry = this.entries.get(reference);
    if (entry) {
      this.entries.delete(reference); // re-insert: Map order is the eviction order
    } else {
      entry = {
        outcome: failure.outcome,
        reason: failure.reason,
        message: failure.message,
        lastSeen: failure.at,
        pods: new Set(),
      };
    }
    if (failure.at >= entry.lastSeen || entry.pods.size === 0) {
      entry.outcome = failure.outcome;
      entry.reason = failure.reason;
      entry.message = failure.message;
      entry.lastSeen = Math.max(entry.lastSeen, failure.at);
    }
    if (entry.pods.size < MAX_PODS_COUNTED) entry.pods.add(failure.podUid);
    this.entries.set(reference, entry);
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** A successful pull of the reference clears failures that did not depend on the pod. */
  recordSuccess(reference: string, at: number): void {
    const entry = this.entries.get(reference);
    if (entry && !POD_DEPENDENT.has(entry.outcome) && entry.lastSeen <= at) this.entries.delete(reference);
  }

  /** Replaces everything with a published snapshot (webhook replicas reading the ConfigMap). */
  replaceAll(failures: Iterable<readonly [string, RecentFailure]>): void {
    this.entries.clear();
    for (const [reference, failure] of failures) {
      const lastSeen = Date.parse(failure.lastSeen);
      if (!Number.isFinite(lastSeen)) continue;
      const pods = new Set<string>();
      for (let i = 0; i < Math.min(failure.pods, MAX_PODS_COUNTED); i += 1) pods.add(String(i));
      this.entries.set(reference, {
        outcome: failure.outcome,
        reason: failure.reason,
        message: failure.message,
        lastSeen,
        pods,
      });
      if (this.entries.size >= this.options.maxEntries) break;
    }
  }

  recent(references: readonly string[]): ReadonlyMap<string, RecentFailure> {
    const since = this.options.now() - this.options.windowMs;
    const found = new Map<string, RecentFailure>();
    for (const reference of references) {
      const entry = this.entries.get(reference);
      if (entry && entry.lastSeen >= since) found.set(reference, toRecentFailure(entry));
    }
    return found;
  }

  /** Every failure inside the window, newest first (for publishing and reports). */
  snapshot(): [string, RecentFailure][] {
    const since = this.options.now() - this.options.windowMs;
    for (const [reference, entry] of this.entries) if (entry.lastSeen < since) this.entries.delete(reference);
    return [...this.entries]
      .sort((a, b) => b[1].lastSeen - a[1].lastSeen)
      .map(([reference, entry]) => [reference, toRecentFailure(entry)]);
  }
}

function toRecentFailure(entry: Entry): RecentFailure {
  return {
    outcome: entry.outcome,
    reason: entry.reason,
    message: entry.message,
    lastSeen: new Date(entry.lastSeen).toISOString(),
    pods: entry.pods.size,
  };
}
