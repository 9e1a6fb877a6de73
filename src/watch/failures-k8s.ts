// Kubernetes side of the recent-failures ConfigMap: the leader writes it, replicas watch it.

import {
  ApiException,
  KubeConfig,
  ListWatch,
  Watch,
  type CoreV1Api,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import type { RecentFailures } from './history.js';
import { decodeFailures, encodeFailures, FAILURES_CONFIGMAP, FAILURES_KEY } from './failures-configmap.js';

/** Writes the history's current snapshot; creates the ConfigMap the first time. */
export async function publishFailures(
  api: CoreV1Api,
  namespace: string,
  history: RecentFailures,
): Promise<void> {
  const body: V1ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: FAILURES_CONFIGMAP,
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'pullguard' },
    },
    data: { [FAILURES_KEY]: encodeFailures(history.snapshot()) },
  };
  try {
    await api.replaceNamespacedConfigMap({ name: FAILURES_CONFIGMAP, namespace, body });
  } catch (error) {
    if (!(error instanceof ApiException) || error.code !== 404) throw error;
    await api.createNamespacedConfigMap({ namespace, body });
  }
}

/**
 * Keeps `history` equal to the published ConfigMap (webhook replicas). Returns the informer;
 * call start() on it, and stop() on shutdown. A lost watch is restarted by `restartOnError`.
 */
export function watchPublishedFailures(
  kubeConfig: KubeConfig,
  api: CoreV1Api,
  namespace: string,
  history: RecentFailures,
): ListWatch<V1ConfigMap> {
  const informer = new ListWatch<V1ConfigMap>(
    `/api/v1/namespaces/${namespace}/configmaps`,
    new Watch(kubeConfig),
    () => api.listNamespacedConfigMap({ namespace, fieldSelector: `metadata.name=${FAILURES_CONFIGMAP}` }),
    false,
    undefined,
    `metadata.name=${FAILURES_CONFIGMAP}`,
  );
  const load = (configMap: V1ConfigMap) => history.replaceAll(decodeFailures(configMap.data?.[FAILURES_KEY]));
  informer.on('add', load);
  informer.on('update', load);
  informer.on('delete', () => history.replaceAll([]));
  return informer;
}
