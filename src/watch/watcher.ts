// Informers on Pods and on Events about Pods (per configured namespace, or cluster-wide), feeding
// the pipeline. client-node's ListWatch re-lists by itself on 410 Gone, but stops on other errors:
// here every informer is restarted with a doubling back-off, reset once objects flow again.

import {
  CoreV1Api,
  ListWatch,
  Watch,
  type CoreV1Event,
  type KubeConfig,
  type V1Pod,
} from '@kubernetes/client-node';
import type { WatchPipeline } from './pipeline.js';

export const POD_EVENTS_SELECTOR = 'involvedObject.kind=Pod';

export interface WatcherOptions {
  readonly kubeConfig: KubeConfig;
  readonly pipeline: WatchPipeline;
  /** Empty: every namespace. */
  readonly namespaces: readonly string[];
  readonly onError: (error: unknown, what: string) => void;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly sweepIntervalMs?: number;
}

interface Restartable {
  readonly informer: ListWatch<V1Pod> | ListWatch<CoreV1Event>;
  readonly what: string;
  backoffMs: number;
  timer?: NodeJS.Timeout;
}

export class ClusterWatcher {
  private readonly informers: Restartable[] = [];
  private sweepTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly options: WatcherOptions) {
    const api = options.kubeConfig.makeApiClient(CoreV1Api);
    const watch = new Watch(options.kubeConfig);
    const scopes = options.namespaces.length === 0 ? [undefined] : [...new Set(options.namespaces)];
    for (const namespace of scopes) {
      const base =
        namespace === undefined ? '/api/v1' : `/api/v1/namespaces/${encodeURIComponent(namespace)}`;
      const pods = new ListWatch<V1Pod>(
        `${base}/pods`,
        watch,
        () =>
          namespace === undefined ? api.listPodForAllNamespaces() : api.listNamespacedPod({ namespace }),
        false,
      );
      const events = new ListWatch<CoreV1Event>(
        `${base}/events`,
        watch,
        () =>
          namespace === undefined
            ? api.listEventForAllNamespaces({ fieldSelector: POD_EVENTS_SELECTOR })
            : api.listNamespacedEvent({ namespace, fieldSelector: POD_EVENTS_SELECTOR }),
        false,
        undefined,
        POD_EVENTS_SELECTOR,
      );
      const podSlot = this.track(pods, `pods${namespace ? ` in ${namespace}` : ''}`);
      const eventSlot = this.track(events, `events${namespace ? ` in ${namespace}` : ''}`);
      const { pipeline } = options;
      pods.on('add', (pod) => this.flowing(podSlot, () => pipeline.podAdded(pod)));
      pods.on('update', (pod) => this.flowing(podSlot, () => pipeline.podAdded(pod)));
      pods.on('delete', (pod) => this.flowing(podSlot, () => pipeline.podDeleted(pod)));
      events.on('add', (event) => this.flowing(eventSlot, () => pipeline.event(event)));
      events.on('update', (event) => this.flowing(eventSlot, () => pipeline.event(event)));
    }
  }

  async start(): Promise<void> {
    this.stopped = false;
    const interval = this.options.sweepIntervalMs ?? 15_000;
    this.sweepTimer = setInterval(() => this.options.pipeline.sweep(), interval);
    this.sweepTimer.unref();
    await Promise.all(this.informers.map((slot) => slot.informer.start()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    for (const slot of this.informers) clearTimeout(slot.timer);
    await Promise.all(this.informers.map((slot) => slot.informer.stop()));
  }

  private track(informer: ListWatch<V1Pod> | ListWatch<CoreV1Event>, what: string): Restartable {
    const initial = this.options.initialBackoffMs ?? 1000;
    const slot: Restartable = { informer, what, backoffMs: initial };
    informer.on('error', (error: unknown) => {
      this.options.onError(error, what);
      if (this.stopped) return;
      clearTimeout(slot.timer);
      slot.timer = setTimeout(() => {
        if (!this.stopped) informer.start().catch((failure: unknown) => this.options.onError(failure, what));
      }, slot.backoffMs);
      slot.timer.unref();
      slot.backoffMs = Math.min(slot.backoffMs * 2, this.options.maxBackoffMs ?? 60_000);
    });
    this.informers.push(slot);
    return slot;
  }

  private flowing(slot: Restartable, handle: () => void): void {
    slot.backoffMs = this.options.initialBackoffMs ?? 1000;
    try {
      handle();
    } catch (error) {
      this.options.onError(error, slot.what); // bad input never stops the informer
    }
  }
}
