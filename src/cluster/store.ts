// What the cluster facts are computed from: slim records, never raw API objects. The same
// interface is fed by informers (serve, audit --cluster) and by audited manifests, so the
// decision logic cannot tell them apart.

import type { SecretFact } from '../core/facts.js';

export interface ServiceAccountRecord {
  readonly imagePullSecrets: readonly string[];
}

/** A docker config Secret reduced to what the kubelet uses: parsed credentials or why it is unusable. */
export type SecretRecord = Omit<SecretFact, 'name' | 'status'>;

export type Lookup<T> =
  | { readonly status: 'found'; readonly value: T }
  | { readonly status: 'not-found' }
  | { readonly status: 'unknown'; readonly reason: string };

export interface NamespacedSource {
  serviceAccount(namespace: string, name: string): Lookup<ServiceAccountRecord>;
  secret(namespace: string, name: string): Lookup<SecretRecord>;
}

/** Objects keyed by namespace then name, replaced whole on a re-list. */
export class NamespacedMap<T> {
  private byNamespace = new Map<string, Map<string, T>>();

  get(namespace: string, name: string): T | undefined {
    return this.byNamespace.get(namespace)?.get(name);
  }

  set(namespace: string, name: string, value: T): void {
    let names = this.byNamespace.get(namespace);
    if (!names) this.byNamespace.set(namespace, (names = new Map()));
    names.set(name, value);
  }

  delete(namespace: string, name: string): void {
    const names = this.byNamespace.get(namespace);
    if (!names) return;
    names.delete(name);
    if (names.size === 0) this.byNamespace.delete(namespace);
  }

  replaceAll(entries: Iterable<readonly [string, string, T]>): void {
    const next = new NamespacedMap<T>();
    for (const [namespace, name, value] of entries) next.set(namespace, name, value);
    this.byNamespace = next.byNamespace;
  }

  get size(): number {
    let total = 0;
    for (const names of this.byNamespace.values()) total += names.size;
    return total;
  }
}

/** One string instance per distinct value: node image names repeat across thousands of nodes. */
export class StringPool {
  private readonly pool = new Map<string, string>();

  intern(value: string): string {
    const existing = this.pool.get(value);
    if (existing !== undefined) return existing;
    this.pool.set(value, value);
    return value;
  }
}
