// Builds the fact sources the webhook uses from its flags: the cluster reader (unless --no-cluster),
// the registry prober, the recent-failure history (from this process's own watcher with --watch,
// else from the ConfigMap the elected watcher publishes), and the prediction ledger annotation.
// One place wires every adapter.

import { hostname } from 'node:os';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import type { PatchExtension } from '../admission/handler.js';
import { loadKubeConfig } from '../cluster/kube-client.js';
import { ClusterReader } from '../cluster/reader.js';
import type { Config } from '../config/schema.js';
import type { FactSources, FailureHistory } from '../core/gather.js';
import type { Logger } from '../logger.js';
import { createRegistryProber } from '../registry/prober.js';
import { combinedHistory } from '../watch/combined-history.js';
import { watchPublishedFailures } from '../watch/failures-k8s.js';
import { RecentFailures } from '../watch/history.js';
import { recordPrediction } from '../watch/prediction-extension.js';
import { runLeaderWatcher } from '../watch/run.js';

export interface ServeRuntime {
  readonly sources: FactSources;
  readonly mutateExtensions: readonly PatchExtension[];
  ready(): boolean;
  stop(): Promise<void>;
}

export async function buildServeSources(
  options: { cluster: boolean; kubeconfig?: string; watch?: boolean },
  config: Config,
  logger: Logger,
  registry: Registry,
): Promise<ServeRuntime> {
  const prober = createRegistryProber(config, { metrics: registry });
  const stops: Array<() => Promise<void> | void> = [() => prober.close()];
  if (!options.cluster) {
    if (options.watch) throw new Error('--watch needs a Kubernetes API; drop --no-cluster');
    return {
      sources: { prober },
      mutateExtensions: [],
      ready: () => true,
      stop: async () => void (await Promise.all(stops.map((stop) => stop()))),
    };
  }
  const kubeConfig = loadKubeConfig(options.kubeconfig);
  const cluster = ClusterReader.fromConfig(kubeConfig, {
    onError: (message) => logger.warn({ source: 'cluster' }, message),
  }).start();
  stops.push(() => cluster.stop());

  // Every replica reads the failures the elected watcher publishes.
  const published = new RecentFailures({
    windowMs: config.watch.recentFailureWindowSeconds * 1000,
    maxEntries: 2000,
    now: Date.now,
  });
  stops.push(followPublishedFailures(kubeConfig, config, published, logger));
  let history: FailureHistory = published;
  if (options.watch) {
    const watcher = runLeaderWatcher({
      kubeConfig,
      config,
      identity: process.env.POD_NAME ?? hostname(),
      registry,
      onError: (error, what) =>
        logger.warn({ source: 'watch', what, err: (error as Error)?.message }, 'watcher error'),
      log: (message) => logger.info({ source: 'watch' }, message),
    });
    // On the leader the live view is fresher than the last publication.
    history = combinedHistory(published, watcher.history);
    stops.push(() => watcher.stop());
  }
  return {
    sources: { cluster, prober, history },
    mutateExtensions: [recordPrediction],
    ready: () => cluster.isReady(),
    stop: async () => void (await Promise.all(stops.map((stop) => stop()))),
  };
}

/** Keeps `history` equal to the published ConfigMap; client-node's informer stops on errors, so restart it. */
function followPublishedFailures(
  kubeConfig: KubeConfig,
  config: Config,
  history: RecentFailures,
  logger: Logger,
): () => Promise<void> {
  const informer = watchPublishedFailures(
    kubeConfig,
    kubeConfig.makeApiClient(CoreV1Api),
    config.watch.pullguardNamespace,
    history,
  );
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const restart = (error: unknown) => {
    logger.warn(
      { source: 'recent-failures', err: (error as Error)?.message },
      'published failures watch failed',
    );
    if (stopped) return;
    clearTimeout(retry);
    retry = setTimeout(() => void informer.start().catch(restart), 5000);
    retry.unref();
  };
  informer.on('error', restart);
  informer.start().catch(restart);
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await informer.stop();
  };
}
