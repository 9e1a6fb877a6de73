// Cluster facts for `audit` from the audited manifests themselves: Secrets (data base64, or
// stringData) and ServiceAccounts found there. What the manifests do not contain is unknown, not
// missing, unless the caller declares the view complete (e.g. merged with a full cluster read).

import type { NodeFacts, ObjectStatus, PullSecretFacts } from '../core/facts.js';
import type { ClusterView } from '../core/gather.js';
import { secretFact } from '../credentials/docker-config.js';
import { metadataOf, pullSecretNames, secretFields } from './cluster-state.js';
import { DEFAULT_NAMESPACE, pullSecretFacts } from './pull-secrets.js';
import {
  NamespacedMap,
  type Lookup,
  type NamespacedSource,
  type SecretRecord,
  type ServiceAccountRecord,
} from './store.js';

export interface ManifestViewOptions {
  /** Treat absent objects as not found (the manifests are the whole namespace). */
  readonly complete?: boolean;
  /** The live cluster (audit --cluster): asked for what the manifests do not hold, and for nodes. */
  readonly fallback?: NamespacedSource & Pick<ClusterView, 'nodes'>;
}

export class ManifestClusterView implements ClusterView, NamespacedSource {
  private readonly serviceAccounts = new NamespacedMap<ServiceAccountRecord>();
  private readonly secrets = new NamespacedMap<SecretRecord>();

  constructor(
    objects: Iterable<unknown>,
    private readonly options: ManifestViewOptions = {},
  ) {
    for (const object of objects) this.add(object);
  }

  private add(object: unknown): void {
    if (typeof object !== 'object' || object === null) return;
    const { kind, apiVersion } = object as { kind?: unknown; apiVersion?: unknown };
    if (apiVersion !== 'v1') return;
    const { namespace = DEFAULT_NAMESPACE, name } = metadataOf(object);
    if (name === undefined) return;
    if (kind === 'ServiceAccount')
      this.serviceAccounts.set(namespace, name, { imagePullSecrets: pullSecretNames(object) });
    else if (kind === 'Secret') {
      const { name: _n, status: _s, ...record } = secretFact({ name, ...secretFields(object) });
      this.secrets.set(namespace, name, record);
    }
  }

  serviceAccount(namespace: string, name: string): Lookup<ServiceAccountRecord> {
    const value = this.serviceAccounts.get(namespace, name);
    if (value) return { status: 'found', value };
    if (this.options.fallback) return this.options.fallback.serviceAccount(namespace, name);
    return this.absent(`ServiceAccount ${JSON.stringify(name)}`);
  }

  secret(namespace: string, name: string): Lookup<SecretRecord> {
    const value = this.secrets.get(namespace, name);
    if (value) return { status: 'found', value };
    if (this.options.fallback) return this.options.fallback.secret(namespace, name);
    return this.absent(`Secret ${JSON.stringify(name)}`);
  }

  pullSecrets(
    namespace: string | null,
    podSpec: Readonly<Record<string, unknown>>,
  ): PullSecretFacts | { unknown: string } {
    return pullSecretFacts(this, namespace, podSpec);
  }

  /** Manifests carry no nodes: the live cluster's, or none (the configured platform is assumed). */
  nodes(podSpec: Readonly<Record<string, unknown>>): NodeFacts | undefined {
    return this.options.fallback?.nodes(podSpec);
  }

  secretStatus(namespace: string | null, name: string): ObjectStatus {
    return this.secret(namespace ?? DEFAULT_NAMESPACE, name).status;
  }

  private absent<T>(what: string): Lookup<T> {
    if (this.options.complete) return { status: 'not-found' };
    return {
      status: 'unknown',
      reason: `${what} is not in the audited manifests (use --cluster to read it)`,
    };
  }
}
