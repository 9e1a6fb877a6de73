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
import type {
  Facts,
  ImageFacts,
  NodeFacts,
  ObjectStatus,
  PullCredential,
  PullSecretFacts,
  RecentFailure,
} from './facts.js';
import { neededFacts } from './rule-plan.js';

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
  /** Every answer from the cache alone, synchronously; undefined when one of them is not cached. */
  cached?(requests: readonly ProbeRequest[]): ReadonlyMap<string, ImageFacts> | undefined;
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

const NO_IMAGES: ReadonlyMap<string, ImageFacts> = new Map();
const NO_FAILURES: ReadonlyMap<string, RecentFailure> = new Map();

interface ImageToCheck {
  readonly pointer: string;
  readonly ref: ImageReference;
  /** False with imagePullPolicy Never: the kubelet never asks a registry, so neither do we. */
  readonly pulled: boolean;
}

function imagesToCheck(workload: Workload): ImageToCheck[] {
  const images: ImageToCheck[] = [];
  for (const container of workload.containers) {
    if (typeof container.image !== 'string') continue;
    const parsed = parseImageReference(container.image);
    if (!parsed.ok) continue;
    const pulled = effectivePullPolicy(container.image, container.imagePullPolicy) !== 'Never';
    images.push({ pointer: container.pointer, ref: parsed.ref, pulled });
  }
  return images;
}

/**
 * Facts are gathered in two steps so the common case costs no timer, signal or promise: what is
 * known now (cluster caches, history, cached registry answers), then, only when some registry
 * answer is not cached, `complete` fetches it within the caller's deadline.
 */
export interface FactGathering {
  /** Complete unless `complete` is set; then everything but the registry answers. */
  readonly facts: Facts;
  readonly complete?: (signal: AbortSignal) => Promise<Facts>;
}

export function startGathering(workload: Workload, sources: FactSources, config: Config): FactGathering {
  const needed = neededFacts(config, workload.namespace);
  const facts: { -readonly [K in keyof Facts]: Facts[K] } = {
    images: NO_IMAGES,
    recentFailures: NO_FAILURES,
  };
  if (needed.has('cluster') || needed.has('registry')) {
    if (!sources.cluster) facts.clusterUnknown = 'no cluster access';
    else {
      const answer = sources.cluster.pullSecrets(workload.namespace, workload.podSpec);
      if ('unknown' in answer) facts.clusterUnknown = answer.unknown;
      else facts.pullSecrets = answer;
    }
  }
  if (needed.has('registry') && sources.cluster?.secretStatus) {
    const configuredSecrets = new Map<string, ObjectStatus>();
    for (const registry of config.registries) {
      if (registry.pullSecret)
        configuredSecrets.set(
          registry.pullSecret,
          sources.cluster.secretStatus(workload.namespace, registry.pullSecret),
        );
    }
    if (configuredSecrets.size > 0) facts.configuredSecrets = configuredSecrets;
  }
  if (needed.has('nodes') && sources.cluster) {
    const nodes = sources.cluster.nodes(workload.podSpec);
    if (nodes) facts.nodes = nodes;
  }

  const prober = needed.has('registry') ? sources.prober : undefined;
  const history = needed.has('history') ? sources.history : undefined;
  // References matter only to the prober and the failure history.
  const images = prober || history ? imagesToCheck(workload) : [];
  if (history)
    facts.recentFailures = history.recent([...new Set(images.map((image) => formatReference(image.ref)))]);
  const pulled = images.filter((image) => image.pulled);
  if (!prober || pulled.length === 0) return { facts };
  const credentials = (facts.pullSecrets?.secrets ?? []).flatMap((secret) => secret.credentials);
  const requests = pulled.map(({ pointer, ref }) => ({
    pointer,
    ref,
    credentials: credentials.length === 0 ? [] : lookupCredentials(credentials, repositoryName(ref)),
  }));
  const cached = prober.cached?.(requests);
  if (cached) {
    facts.images = cached;
    return { facts };
  }
  return {
    facts,
    complete: async (signal) =>
      signal.aborted ? facts : { ...facts, images: await prober.probe(requests, signal) },
  };
}

/** Both steps at once, for callers without a budget of their own (audit, diagnose). */
export async function gatherFacts(
  workload: Workload,
  sources: FactSources,
  config: Config,
  signal: AbortSignal,
): Promise<Facts> {
  const gathering = startGathering(workload, sources, config);
  return gathering.complete ? gathering.complete(signal) : gathering.facts;
}
