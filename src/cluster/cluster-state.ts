// The in-memory cluster facts behind ClusterView: slim records of ServiceAccounts, docker config
// Secrets and Nodes, fed through sinks by list+watch (or directly, in tests and benchmarks).
// Raw objects are never kept: Secrets become parsed credentials or an invalid reason.

import type { NodeFacts, ObjectStatus, PullSecretFacts } from '../core/facts.js';
import type { ClusterView } from '../core/gather.js';
import { DOCKER_CONFIG_TYPES, secretFact } from '../credentials/docker-config.js';
import { nodeRecord, type NodeRecord } from './node-record.js';
import { candidateNodes } from './nodes.js';
import { DEFAULT_NAMESPACE, pullSecretFacts } from './pull-secrets.js';
import {
  NamespacedMap,
  StringPool,
  type Lookup,
  type NamespacedSource,
  type SecretRecord,
  type ServiceAccountRecord,
} from './store.js';

/** What list+watch delivers: a whole list, then single changes. Objects are raw API JSON. */
export interface ResourceSink {
  replace(items: readonly unknown[]): void;
  upsert(item: unknown): void;
  remove(item: unknown): void;
}

export type ResourceKind = 'serviceAccounts' | 'secrets' | 'nodes';

/** Whether a resource's cache can be trusted now; `reason` says why not (for messages). */
export type HealthCheck = (kind: ResourceKind) => { ok: true } | { ok: false; reason: string };

export interface ClusterStateOptions {
  readonly nodeImageCap?: number;
  readonly health?: HealthCheck;
}

export class ClusterState implements ClusterView, NamespacedSource {
  private readonly serviceAccounts = new NamespacedMap<ServiceAccountRecord>();
  private readonly secretsByType = new Map(
    DOCKER_CONFIG_TYPES.map((type) => [type, new NamespacedMap<SecretRecord>()]),
  );
  private readonly nodeMap = new Map<string, NodeRecord>();
  private readonly pool = new StringPool();
  private readonly normalised = new Map<string, string>();
  private readonly health: HealthCheck;
  private readonly imageCap: number | undefined;

  constructor(options: ClusterStateOptions = {}) {
    this.health = options.health ?? (() => ({ ok: true }));
    this.imageCap = options.nodeImageCap;
  }

  readonly serviceAccountSink: ResourceSink = namespacedSink(this.serviceAccounts, (object) => ({
    imagePullSecrets: pullSecretNames(object),
  }));

  /** One sink per docker config type, each fed by a list+watch with a `type=` field selector. */
  secretSink(type: string): ResourceSink {
    const map = this.secretsByType.get(type);
    if (!map) throw new Error(`not a docker config secret type: ${type}`);
    return namespacedSink(map, (object, name) => {
      const { name: _name, status: _status, ...record } = secretFact({ name, ...secretFields(object) });
      return record;
    });
  }

  readonly nodeSink: ResourceSink = {
    replace: (items) => {
      this.nodeMap.clear();
      for (const item of items) this.nodeSink.upsert(item);
    },
    upsert: (item) => {
      const record = nodeRecord(item, {
        imageCap: this.imageCap,
        pool: this.pool,
        normalised: this.normalised,
      });
      if (record) this.nodeMap.set(record.name, record);
    },
    remove: (item) => {
      const name = metadataOf(item).name;
      if (name !== undefined) this.nodeMap.delete(name);
    },
  };

  serviceAccount(namespace: string, name: string): Lookup<ServiceAccountRecord> {
    const health = this.health('serviceAccounts');
    if (!health.ok) return { status: 'unknown', reason: health.reason };
    const value = this.serviceAccounts.get(namespace, name);
    return value ? { status: 'found', value } : { status: 'not-found' };
  }

  secret(namespace: string, name: string): Lookup<SecretRecord> {
    const health = this.health('secrets');
    if (!health.ok) return { status: 'unknown', reason: health.reason };
    for (const map of this.secretsByType.values()) {
      const value = map.get(namespace, name);
      if (value) return { status: 'found', value };
    }
    return { status: 'not-found' };
  }

  pullSecrets(
    namespace: string | null,
    podSpec: Readonly<Record<string, unknown>>,
  ): PullSecretFacts | { unknown: string } {
    for (const kind of ['serviceAccounts', 'secrets'] as const) {
      const health = this.health(kind);
      if (!health.ok) return { unknown: health.reason };
    }
    return pullSecretFacts(this, namespace, podSpec);
  }

  secretStatus(namespace: string | null, name: string): ObjectStatus {
    return this.secret(namespace ?? DEFAULT_NAMESPACE, name).status;
  }

  nodes(podSpec: Readonly<Record<string, unknown>>): NodeFacts | undefined {
    if (!this.health('nodes').ok || this.nodeMap.size === 0) return undefined;
    return candidateNodes(this.nodeMap.values(), podSpec);
  }

  counts(): { serviceAccounts: number; secrets: number; nodes: number } {
    let secrets = 0;
    for (const map of this.secretsByType.values()) secrets += map.size;
    return { serviceAccounts: this.serviceAccounts.size, secrets, nodes: this.nodeMap.size };
  }
}

function namespacedSink<T>(
  map: NamespacedMap<T>,
  toRecord: (object: unknown, name: string) => T,
): ResourceSink {
  const entry = (item: unknown): [string, string, T] | undefined => {
    const { namespace, name } = metadataOf(item);
    if (namespace === undefined || name === undefined) return undefined;
    return [namespace, name, toRecord(item, name)];
  };
  return {
    replace: (items) =>
      map.replaceAll(
        items.flatMap((item) => {
          const e = entry(item);
          return e ? [e] : [];
        }),
      ),
    upsert: (item) => {
      const e = entry(item);
      if (e) map.set(...e);
    },
    remove: (item) => {
      const { namespace, name } = metadataOf(item);
      if (namespace !== undefined && name !== undefined) map.delete(namespace, name);
    },
  };
}

export function metadataOf(item: unknown): { namespace?: string; name?: string } {
  const metadata = isRecord(item) && isRecord(item.metadata) ? item.metadata : {};
  return {
    ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
    ...(typeof metadata.name === 'string' && metadata.name !== '' ? { name: metadata.name } : {}),
  };
}

export function pullSecretNames(serviceAccount: unknown): string[] {
  const list = isRecord(serviceAccount) ? serviceAccount.imagePullSecrets : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((ref: unknown) =>
    isRecord(ref) && typeof ref.name === 'string' && ref.name !== '' ? [ref.name] : [],
  );
}

export function secretFields(secret: unknown): { type?: unknown; data?: unknown; stringData?: unknown } {
  if (!isRecord(secret)) return {};
  return { type: secret.type, data: secret.data, stringData: secret.stringData };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
