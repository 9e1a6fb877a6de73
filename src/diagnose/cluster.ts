// The reads diagnose makes, and nothing more: the pod, its events (by the pod's uid), its
// ServiceAccount, the pull secrets it names (by name, never a list of secrets), its node, and
// the namespace's pods (for --all and for "runs elsewhere"). The adapter below is the only code
// here that knows @kubernetes/client-node.

import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { Lookup } from '../cluster/store.js';

export interface DiagnoseCluster {
  /** Throws PodUnreadableError when the pod cannot be read. */
  readPod(namespace: string, name: string): Promise<unknown>;
  listPods(namespace: string): Promise<readonly unknown[]>;
  podEvents(namespace: string, uid: string): Promise<readonly unknown[]>;
  serviceAccount(namespace: string, name: string): Promise<Lookup<unknown>>;
  secret(namespace: string, name: string): Promise<Lookup<unknown>>;
  node(name: string): Promise<unknown>;
}

export class PodUnreadableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PodUnreadableError';
  }
}

export interface KubeOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
}

/** The kubeconfig kubectl would use: --kubeconfig, else $KUBECONFIG / ~/.kube/config, else in-cluster. */
export function loadKubeconfig(options: KubeOptions): KubeConfig {
  const config = new KubeConfig();
  if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
  else config.loadFromDefault();
  if (options.context) config.setCurrentContext(options.context);
  if (!config.getCurrentCluster())
    throw new PodUnreadableError('no Kubernetes cluster configured (kubeconfig has no current context)');
  return config;
}

/** The current context's namespace, as kubectl defaults it. */
export function contextNamespace(config: KubeConfig): string {
  return config.getContextObject(config.getCurrentContext())?.namespace || 'default';
}

export function kubeDiagnoseCluster(config: KubeConfig): DiagnoseCluster {
  const api = config.makeApiClient(CoreV1Api);
  return {
    async readPod(namespace, name) {
      try {
        return await api.readNamespacedPod({ name, namespace });
      } catch (error) {
        throw new PodUnreadableError(`cannot read pod ${namespace}/${name}: ${describe(error)}`);
      }
    },
    async listPods(namespace) {
      try {
        return (await api.listNamespacedPod({ namespace, limit: 500 })).items;
      } catch (error) {
        throw new PodUnreadableError(`cannot list pods in namespace ${namespace}: ${describe(error)}`);
      }
    },
    async podEvents(namespace, uid) {
      try {
        return (
          await api.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.uid=${uid}`, limit: 500 })
        ).items;
      } catch {
        return []; // events are history only; their absence must not stop the diagnosis
      }
    },
    serviceAccount: (namespace, name) => lookup(() => api.readNamespacedServiceAccount({ name, namespace })),
    secret: (namespace, name) => lookup(() => api.readNamespacedSecret({ name, namespace })),
    async node(name) {
      const found = await lookup(() => api.readNode({ name }));
      return found.status === 'found' ? found.value : undefined;
    },
  };
}

async function lookup(read: () => Promise<unknown>): Promise<Lookup<unknown>> {
  try {
    return { status: 'found', value: await read() };
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return { status: 'not-found' };
    return { status: 'unknown', reason: describe(error) };
  }
}

/** One line: the API's status message or the transport error, never a request body. */
function describe(error: unknown): string {
  if (error instanceof ApiException) {
    const body = typeof error.body === 'string' ? safeJson(error.body) : error.body;
    const message = (body as { message?: unknown } | undefined)?.message;
    return typeof message === 'string' ? `${error.code}: ${message}` : `HTTP ${error.code}`;
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return code && !message?.includes(code) ? `${code} ${message}` : (message ?? 'unknown error');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
