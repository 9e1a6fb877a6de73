// The cluster reader behind `serve` and `audit --cluster`: list+watch of ServiceAccounts, Nodes
// and the two docker config Secret types (a field selector per type, so no other Secret is ever
// transferred or held), feeding a ClusterState that answers ClusterView from memory.

import type { KubeConfig } from '@kubernetes/client-node';
import type { NodeFacts, ObjectStatus, PullSecretFacts } from '../core/facts.js';
import type { ClusterView } from '../core/gather.js';
import { DOCKER_CONFIG_TYPES } from '../credentials/docker-config.js';
import { ClusterState, type ResourceKind } from './cluster-state.js';
import { kubeListWatch, loadKubeConfig } from './kube-client.js';
import { Reflector, type ListWatchClient, type ReflectorOptions } from './reflector.js';
import type { Lookup, NamespacedSource, SecretRecord, ServiceAccountRecord } from './store.js';

export interface ClusterReaderOptions extends ReflectorOptions {
  /** nodeStatusMaxImages of the cluster's kubelets (default 50). */
  readonly nodeImageCap?: number;
}

type ClientFactory = (
  resource: 'serviceaccounts' | 'nodes' | 'secrets',
  fieldSelector?: string,
) => ListWatchClient;

export class ClusterReader implements ClusterView, NamespacedSource {
  readonly state: ClusterState;
  private readonly reflectors: ReadonlyMap<ResourceKind, readonly Reflector[]>;

  /** `kubeconfig` path, or in-cluster configuration when undefined. */
  static fromKubeconfig(path: string | undefined, options: ClusterReaderOptions = {}): ClusterReader {
    return ClusterReader.fromConfig(loadKubeConfig(path), options);
  }

  static fromConfig(config: KubeConfig, options: ClusterReaderOptions = {}): ClusterReader {
    return new ClusterReader(
      (resource, fieldSelector) => kubeListWatch(config, resource, fieldSelector),
      options,
    );
  }

  constructor(clients: ClientFactory, options: ClusterReaderOptions = {}) {
    this.state = new ClusterState({
      ...(options.nodeImageCap !== undefined ? { nodeImageCap: options.nodeImageCap } : {}),
      health: (kind) => this.health(kind),
    });
    this.reflectors = new Map<ResourceKind, Reflector[]>([
      [
        'serviceAccounts',
        [
          new Reflector(
            'serviceaccounts',
            clients('serviceaccounts'),
            this.state.serviceAccountSink,
            options,
          ),
        ],
      ],
      [
        'secrets',
        DOCKER_CONFIG_TYPES.map(
          (type) =>
            new Reflector(
              `secrets type=${type}`,
              clients('secrets', `type=${type}`),
              this.state.secretSink(type),
              options,
            ),
        ),
      ],
      ['nodes', [new Reflector('nodes', clients('nodes'), this.state.nodeSink, options)]],
    ]);
  }

  start(): this {
    for (const reflector of this.all()) reflector.start();
    return this;
  }

  stop(): void {
    for (const reflector of this.all()) reflector.stop();
  }

  /** Resolves once every cache has been listed once (for /readyz). */
  ready(): Promise<void> {
    return Promise.all(this.all().map((reflector) => reflector.synced)).then(() => undefined);
  }

  isReady(): boolean {
    return this.all().every((reflector) => reflector.isSynced());
  }

  pullSecrets(
    namespace: string | null,
    podSpec: Readonly<Record<string, unknown>>,
  ): PullSecretFacts | { unknown: string } {
    return this.state.pullSecrets(namespace, podSpec);
  }

  nodes(podSpec: Readonly<Record<string, unknown>>): NodeFacts | undefined {
    return this.state.nodes(podSpec);
  }

  serviceAccount(namespace: string, name: string): Lookup<ServiceAccountRecord> {
    return this.state.serviceAccount(namespace, name);
  }

  secret(namespace: string, name: string): Lookup<SecretRecord> {
    return this.state.secret(namespace, name);
  }

  secretStatus(namespace: string | null, name: string): ObjectStatus {
    return this.state.secretStatus(namespace, name);
  }

  private health(kind: ResourceKind): { ok: true } | { ok: false; reason: string } {
    for (const reflector of this.reflectors.get(kind) ?? []) {
      const health = reflector.health();
      if (!health.ok) return health;
    }
    return { ok: true };
  }

  private all(): Reflector[] {
    return [...this.reflectors.values()].flat();
  }
}
