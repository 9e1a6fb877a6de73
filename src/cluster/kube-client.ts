// The adapter between the reflector and @kubernetes/client-node: paged lists through the
// generated CoreV1Api, watches through client-node's Watch (newline-delimited JSON events).

import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import type { ListPage, ListWatchClient, WatchHandle } from './reflector.js';

export type WatchedResource = 'serviceaccounts' | 'nodes' | 'secrets';

interface ListResult {
  readonly items: readonly unknown[];
  readonly metadata?: { readonly resourceVersion?: string; readonly _continue?: string };
}

/** A kubeconfig file, or the in-cluster service account when no path is given. */
export function loadKubeConfig(path?: string): KubeConfig {
  const config = new KubeConfig();
  if (path) config.loadFromFile(path);
  else config.loadFromCluster();
  return config;
}

export function kubeListWatch(
  config: KubeConfig,
  resource: WatchedResource,
  fieldSelector?: string,
): ListWatchClient {
  const api = config.makeApiClient(CoreV1Api);
  const selector = fieldSelector ? { fieldSelector } : {};
  const list = async (options: { continueToken?: string; limit: number }): Promise<ListPage> => {
    const params = {
      limit: options.limit,
      ...selector,
      ...(options.continueToken ? { _continue: options.continueToken } : {}),
    };
    const result: ListResult =
      resource === 'serviceaccounts'
        ? await api.listServiceAccountForAllNamespaces(params)
        : resource === 'nodes'
          ? await api.listNode(params)
          : await api.listSecretForAllNamespaces(params);
    return {
      items: result.items,
      resourceVersion: result.metadata?.resourceVersion ?? '',
      ...(result.metadata?._continue ? { continueToken: result.metadata._continue } : {}),
    };
  };
  const watcher = new Watch(config);
  const watch = async (
    resourceVersion: string,
    onEvent: (type: string, object: unknown) => void,
    onDone: (error?: unknown) => void,
  ): Promise<WatchHandle> =>
    watcher.watch(
      `/api/v1/${resource}`,
      { resourceVersion, allowWatchBookmarks: true, ...selector },
      (type: string, object: unknown) => onEvent(type, object),
      (error: unknown) => onDone(error ?? undefined),
    );
  return { list, watch };
}
