// The watcher's pipeline without any network: pod and event objects in, image states tracked,
// outcomes joined with predictions (ledger), failures fed to the recent-failure history and to
// reporters. The informers (watcher.ts) and the benchmark drive the same object.

import { Counter, Gauge, type Registry } from 'prom-client';
import type { PullOutcome } from '../core/outcomes.js';
import { historyKey, type RecentFailures } from './history.js';
import type { ActualOutcome, Ledger } from './ledger.js';
import { PodTracker, type PodRecord, type TrackerChange } from './pod-tracker.js';
import { isFailureState, type ContainerImage } from './state.js';

export interface ConfirmedFailure {
  readonly pod: PodRecord;
  readonly container: ContainerImage;
  readonly outcome: PullOutcome;
  readonly reason: string;
  readonly message: string;
  /** Fully qualified image reference, when the image parses. */
  readonly reference: string | undefined;
}

export interface PipelineOptions {
  readonly ledger: Ledger;
  readonly history: RecentFailures;
  readonly now: () => number;
  readonly maxPods: number;
  /** How long a started container waits for the event that says pulled or cached, and a failure for its cause. */
  readonly settleMs: number;
  readonly registry?: Registry;
  readonly onFailure?: (failure: ConfirmedFailure) => void;
}

export class WatchPipeline {
  readonly tracker: PodTracker;
  private readonly failures?: Counter<'outcome' | 'reason'>;
  private readonly pulls?: Counter<'obtained'>;
  private readonly unjudged?: Counter<'state'>;

  constructor(private readonly options: PipelineOptions) {
    this.tracker = new PodTracker({ maxPods: options.maxPods });
    const registers = options.registry ? [options.registry] : undefined;
    if (registers) {
      this.failures = new Counter({
        name: 'pullguard_watch_pull_failures_total',
        help: 'Confirmed image pull failures by category and kubelet reason',
        labelNames: ['outcome', 'reason'],
        registers,
      });
      this.pulls = new Counter({
        name: 'pullguard_watch_images_obtained_total',
        help: 'Container images obtained, pulled or already on the node',
        labelNames: ['obtained'],
        registers,
      });
      this.unjudged = new Counter({
        name: 'pullguard_watch_unjudged_total',
        help: 'Containers that ended without a pull outcome the ledger can count',
        labelNames: ['state'],
        registers,
      });
      const tracker = this.tracker;
      new Gauge({
        name: 'pullguard_watch_tracked_pods',
        help: 'Pod incarnations the watcher holds in memory',
        registers,
        collect() {
          this.set(tracker.size);
        },
      });
    }
  }

  podAdded(pod: unknown): void {
    this.handle(this.tracker.applyPod(pod, this.options.now()));
  }

  podDeleted(pod: unknown): void {
    const now = this.options.now();
    this.handle(this.tracker.applyPod(pod, now));
    const record = this.tracker.markDeleted(pod);
    if (!record) return;
    for (const container of record.containers.values()) this.conclude(record, container, true);
    this.tracker.forget(record.uid);
  }

  event(event: unknown): void {
    this.handle(this.tracker.applyEvent(event, this.options.now()));
  }

  /** Periodic: gives up waiting on late events, drops events of pods never seen, frees room. */
  sweep(): void {
    const now = this.options.now();
    const cutoff = now - this.options.settleMs;
    const crowded = this.tracker.size > this.options.maxPods * 0.9;
    for (const record of [...this.tracker.pods.values()]) {
      if (!record.seen && record.lastActivity < cutoff) {
        this.tracker.forget(record.uid);
        continue;
      }
      let open = false;
      for (const container of record.containers.values()) {
        const waitingOnLateNews = container.state === 'ImageReady' || isFailureState(container.state);
        if (!container.judged && waitingOnLateNews && container.at < cutoff && record.seen) {
          this.conclude(record, container, true);
        }
        if (!container.judged) open = true;
      }
      if (crowded && !open && record.lastActivity < cutoff) this.tracker.forget(record.uid);
    }
  }

  private handle(changes: readonly TrackerChange[]): void {
    for (const { pod, container } of changes) this.conclude(pod, container, false);
  }

  /** Counts the container in the ledger once its outcome is known; `final` forces a verdict. */
  private conclude(pod: PodRecord, container: ContainerImage, final: boolean): void {
    const { state } = container;
    const reference = container.image === undefined ? undefined : historyKey(container.image);
    if (state === 'Pulled' || state === 'CachedOnNode') {
      if (reference) this.options.history.recordSuccess(reference, container.at);
      // The prediction is on the pod object: events that arrive first wait for it.
      if (!container.judged && (pod.seen || final)) {
        this.judge(pod, container, { kind: state === 'Pulled' ? 'pulled' : 'cached' });
        this.pulls?.inc({ obtained: state === 'Pulled' ? 'pulled' : 'cached' });
      }
      return;
    }
    if (isFailureState(state)) {
      const outcome = container.outcome ?? 'unknown';
      const vague = (state === 'ErrImagePull' || state === 'ImagePullBackOff') && outcome === 'unknown';
      if (vague && !final) return;
      const reason = container.failureReason ?? state;
      const message = container.failureMessage ?? '';
      if (reference)
        this.options.history.recordFailure(reference, {
          outcome,
          reason,
          message,
          podUid: pod.uid,
          at: container.at,
        });
      if (!container.reported) {
        container.reported = true;
        this.failures?.inc({ outcome, reason });
        this.options.onFailure?.({ pod, container, outcome, reason, message, reference });
      }
      if (!container.judged && (pod.seen || final)) this.judge(pod, container, { kind: 'failed', outcome });
      return;
    }
    if (final && !container.judged) {
      container.judged = true;
      this.unjudged?.inc({ state });
    }
  }

  private judge(pod: PodRecord, container: ContainerImage, actual: ActualOutcome): void {
    container.judged = true;
    this.options.ledger.record(pod.prediction?.get(container.name), actual);
  }
}
