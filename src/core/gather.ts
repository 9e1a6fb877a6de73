// Gathers the facts the enabled rules need before the pure decision runs. The sources are narrow
// interfaces implemented by adapters (cluster informers, registry prober, watcher history), so the
// engine never sees @kubernetes/client-node or HTTP. Everything here respects one deadline.

import type { Config } from '../config/schema.js';
import {
  effectivePullPolicy,
  formatReference,
  parseImageReference,
  repositoryName,
  type ImageReference,
} from '../image/reference.js';
import { lookupCredentials } from '../credentials/keyring.js';
import type { Workload } from '../workload/walker.js';
import { RULES, type FactKind } from './catalog.js';
import type {
  Facts,
  ImageFacts,
  NodeFacts,
  ObjectStatus,
  PullCredential,
  PullSecretFacts,
  RecentFailure,
} from './facts.js';
import { actionFor } from './policy.js';

/** Cluster knowledge (issue: cluster facts). Synchronous: served from informer caches. */
export interface ClusterView {
  /** The pull secrets the kubelet would use for this pod spec, or why they are unknown. */
  pullSecrets(
    namespace: string | null,
    podSpec: Readonly<Record<string, unknown>>,
  ): PullSecretFacts | { unknown: string };
  /** Candidate nodes for this pod spec; undefined when no node facts are known. */
  nodes(podSpec: Readonly<Record<string, unknown>>): NodeFacts | undefined;
  /** Whether a Secret exists in the namespace (for the configured pullSecret patch). */
  secretStatus?(namespace: string | null, name: string): ObjectStatus;
}

export interface ProbeRequest {
  /** JSON Pointer of the container, the key of the answer. */
  readonly pointer: string;
  readonly ref: ImageReference;
  /** Credentials matching the image by the kubelet's rules, in its order (may be empty). */
  readonly credentials: readonly PullCredential[];
}

/** Registry knowledge (issue: registry prober). Must settle by the signal's abort, never later. */
export interface RegistryProber {
  probe(requests: readonly ProbeRequest[], signal: AbortSignal): Promise<ReadonlyMap<string, ImageFacts>>;
}

/** Watcher knowledge (issue: runtime watcher), keyed by the fully qualified reference. */
export interface FailureHistory {
  recent(references: readonly string[]): ReadonlyMap<string, RecentFailure>;
}

export interface FactSources {
  readonly cluster?: ClusterView;
  readonly prober?: RegistryProber;
  readonly history?: FailureHistory;
}

const neededMemo = new WeakMap<Config, Map<string, ReadonlySet<FactKind>>>();

/** Fact kinds some enabled rule reads in this namespace (remembered per frozen config). */
export function neededFacts(config: Config, namespace: string | null): ReadonlySet<FactKind> {
  let byNamespace = neededMemo.get(config);
  if (!byNamespace) neededMemo.set(config, (byNamespace = new Map()));
  const key = namespace ?? '';
  const known = byNamespace.get(key);
  if (known) return known;
  const needed = new Set<FactKind>();
  for (const rule of RULES) {
    if (actionFor(config, rule.id, namespace) === 'off') continue;
    for (const kind of rule.needs) needed.add(kind);
  }
  if (byNamespace.size >= 10_000) byNamespace.clear();
  byNamespace.set(key, needed);
  return needed;
}

export async function gatherFacts(
  workload: Workload,
  sources: FactSources,
  config: Config,
  signal: AbortSignal,
): Promise<Facts> {
  const needed = neededFacts(config, workload.namespace);
  const refs = new Map<string, ImageReference>();
  // With imagePullPolicy Never the kubelet never asks a registry, so neither do we.
  const neverPulled = new Set<string>();
  for (const container of workload.containers) {
    if (typeof container.image !== 'string') continue;
    const parsed = parseImageReference(container.image);
    if (!parsed.ok) continue;
    refs.set(container.pointer, parsed.ref);
    if (effectivePullPolicy(container.image, container.imagePullPolicy) === 'Never')
      neverPulled.add(container.pointer);
  }

  let pullSecrets: PullSecretFacts | undefined;
  let clusterUnknown: string | undefined;
  if (needed.has('cluster') || needed.has('registry')) {
    if (!sources.cluster) clusterUnknown = 'no cluster access';
    else {
      const answer = sources.cluster.pullSecrets(workload.namespace, workload.podSpec);
      if ('unknown' in answer) clusterUnknown = answer.unknown;
      else pullSecrets = answer;
    }
  }
  const configuredSecrets = new Map<string, ObjectStatus>();
  if (needed.has('registry') && sources.cluster?.secretStatus) {
    for (const registry of config.registries) {
      if (registry.pullSecret)
        configuredSecrets.set(
          registry.pullSecret,
          sources.cluster.secretStatus(workload.namespace, registry.pullSecret),
        );
    }
  }
  const nodes = needed.has('nodes') ? sources.cluster?.nodes(workload.podSpec) : undefined;

  let images: ReadonlyMap<string, ImageFacts> = new Map();
  const probed = [...refs].filter(([pointer]) => !neverPulled.has(pointer));
  if (needed.has('registry') && sources.prober && probed.length > 0 && !signal.aborted) {
    const credentials = (pullSecrets?.secrets ?? []).flatMap((secret) => secret.credentials);
    const requests = probed.map(([pointer, ref]) => ({
      pointer,
      ref,
      credentials: credentials.length === 0 ? [] : lookupCredentials(credentials, repositoryName(ref)),
    }));
    images = await sources.prober.probe(requests, signal);
  }

  const recentFailures =
    needed.has('history') && sources.history
      ? sources.history.recent([...new Set([...refs.values()].map(formatReference))])
      : new Map<string, RecentFailure>();

  return {
    ...(pullSecrets ? { pullSecrets } : {}),
    ...(clusterUnknown ? { clusterUnknown } : {}),
    ...(configuredSecrets.size > 0 ? { configuredSecrets } : {}),
    ...(nodes ? { nodes } : {}),
    images,
    recentFailures,
  };
}
