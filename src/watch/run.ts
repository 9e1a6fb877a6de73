// Wiring for the watcher: one place builds the pipeline, informers, leader election, the
// ConfigMap publisher and the reporters from a KubeConfig and a Config.

import { CoordinationV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import type { Config } from '../config/schema.js';
import { publishFailures } from './failures-k8s.js';
import { RecentFailures } from './history.js';
import { LeaderElector } from './lease.js';
import { kubernetesLeaseStore } from './lease-k8s.js';
import { Ledger } from './ledger.js';
import { WatchPipeline, type ConfirmedFailure } from './pipeline.js';
import { KubernetesReporter } from './reporter.js';
import { ClusterWatcher } from './watcher.js';

export const LEASE_NAME = 'pullguard-watcher';

export interface WatcherDeps {
  readonly kubeConfig: KubeConfig;
  readonly config: Config;
  readonly identity: string;
  readonly registry?: Registry;
  readonly now?: () => number;
  readonly onError: (error: unknown, what: string) => void;
  readonly log?: (message: string) => void;
}

export interface RunningWatcher {
  readonly ledger: Ledger;
  readonly history: RecentFailures;
  readonly pipeline: WatchPipeline;
  stop(): Promise<void>;
}

export function buildPipeline(
  config: Config,
  now: () => number,
  registry?: Registry,
  onFailure?: (failure: ConfirmedFailure) => void,
) {
  const ledger = new Ledger(registry);
  const history = new RecentFailures({
    windowMs: config.watch.recentFailureWindowSeconds * 1000,
    maxEntries: 2000,
    now,
  });
  const pipeline = new WatchPipeline({
    ledger,
    history,
    now,
    maxPods: config.watch.maxTrackedPods,
    settleMs: 120_000,
    ...(registry ? { registry } : {}),
    ...(onFailure ? { onFailure } : {}),
  });
  return { ledger, history, pipeline };
}

/** Campaigns for the Lease; while leading, watches, reports and publishes recent failures. */
export function runLeaderWatcher(deps: WatcherDeps): RunningWatcher {
  const now = deps.now ?? Date.now;
  const namespace = deps.config.watch.pullguardNamespace;
  const reporter = new KubernetesReporter(deps.kubeConfig, {
    instance: deps.identity,
    now,
    onError: (error) => deps.onError(error, 'report'),
  });
  const built = buildPipeline(deps.config, now, deps.registry, (failure) => reporter.failure(failure));
  const core = deps.kubeConfig.makeApiClient(CoreV1Api);
  let watcher: ClusterWatcher | undefined;
  let publishTimer: NodeJS.Timeout | undefined;
  const publish = async () => {
    await reporter.flushPolicyReports();
    await publishFailures(core, namespace, built.history).catch((error: unknown) =>
      deps.onError(error, 'publish'),
    );
  };
  const controller = new AbortController();
  const elector = new LeaderElector({
    store: kubernetesLeaseStore(deps.kubeConfig.makeApiClient(CoordinationV1Api), namespace, LEASE_NAME),
    identity: deps.identity,
    leaseDurationSeconds: 15,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    clock: { now, sleep: (ms, signal) => sleep(ms, signal) },
    onStartedLeading: () => {
      deps.log?.(`${deps.identity} leads; watching`);
      watcher = new ClusterWatcher({
        kubeConfig: deps.kubeConfig,
        pipeline: built.pipeline,
        namespaces: deps.config.watch.namespaces,
        onError: deps.onError,
      });
      watcher.start().catch((error: unknown) => deps.onError(error, 'watch'));
      publishTimer = setInterval(() => void publish(), 30_000);
    },
    onStoppedLeading: () => {
      deps.log?.(`${deps.identity} stopped leading`);
      clearInterval(publishTimer);
      void watcher?.stop();
      watcher = undefined;
    },
    onError: (error) => deps.onError(error, 'lease'),
  });
  const running = elector.run(controller.signal);
  return {
    ...built,
    async stop() {
      controller.abort();
      await running;
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
