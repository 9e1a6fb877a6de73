// The RegistryProber the admission path calls: every image of a pod probed in parallel, each
// answer served from a shared cache or coalesced with a probe already running, requests to one
// registry capped, and the whole call settled when the admission signal aborts.

import type { Registry } from 'prom-client';
import type { Config, RegistryConfig } from '../config/schema.js';
import type { CredentialProbe, ImageFacts, ProbeResult, PullCredential } from '../core/facts.js';
import type { ProbeRequest, RegistryProber } from '../core/gather.js';
import { isUnreachable } from '../core/outcomes.js';
import { DOCKER_HUB_DOMAIN, manifestReference, type ImageReference } from '../image/reference.js';
import type { ChallengeAnswer, TokenAnswer } from './auth.js';
import { RegistryHttpClient, type LookupFunction } from './http-client.js';
import { KeyedLimiter } from './limiter.js';
import { probeManifest } from './manifest.js';
import { createProberMetrics, type ProberMetrics } from './metrics.js';
import { apiHost, matchRegistry } from './registry-match.js';
import { SharedCache } from './shared-cache.js';
import { cacheKey, credentialIdentity, type ProbeTarget } from './target.js';

export interface ProberDeps {
  /** Metrics are registered here (never on prom-client's global registry). */
  readonly metrics?: Registry;
  /** DNS lookup (dns.lookup signature); tests inject one to simulate rebinding. */
  readonly lookup?: LookupFunction;
  readonly now?: () => number;
}

export interface ClosableRegistryProber extends RegistryProber {
  /** Closes idle connections (on shutdown and after tests). */
  close(): Promise<void>;
}

/** Success, or the registry itself cannot be reached: the kubelet's next credential would not differ. */
function decidesForAll(result: ProbeResult): boolean {
  return (
    result.outcome === 'ok' ||
    isUnreachable(result.outcome) ||
    result.outcome.startsWith('dns-') ||
    result.outcome === 'blocked'
  );
}

const SKIPPED_BUDGET = 'could not check: the registry did not answer within the admission budget';
const CACHE_ENTRIES = 10_000;

export function createRegistryProber(config: Config, deps: ProberDeps = {}): ClosableRegistryProber {
  const now = deps.now ?? Date.now;
  const metrics: ProberMetrics | undefined = deps.metrics ? createProberMetrics(deps.metrics) : undefined;
  const client = new RegistryHttpClient(config.probe.blockedCidrs, config.probe.timeoutMs, deps.lookup);
  const limiter = new KeyedLimiter(config.probe.maxConcurrencyPerRegistry);
  const answers = new SharedCache<ProbeResult>(CACHE_ENTRIES, now);
  const authDeps = {
    client,
    challenges: new SharedCache<ChallengeAnswer>(1000, now),
    tokens: new SharedCache<TokenAnswer>(CACHE_ENTRIES, now),
    limit: <T>(registry: string, task: () => Promise<T>) => limiter.run(registry, task),
    challengeTtlMs: config.probe.cacheTtlSeconds * 1000,
    negativeTtlMs: config.probe.negativeCacheTtlSeconds * 1000,
    onRequest: (registry: string, kind: 'ping' | 'token' | 'manifest') => metrics?.request(registry, kind),
  };

  // References are parsed once and frozen (see image/reference.ts), so what the prober derives
  // from one is derived once too and kept in one place: the warm path runs for every image of
  // every admission, and each separate lookup there costs a cache miss on a busy server.
  interface ImageInfo {
    readonly entry: RegistryConfig | undefined;
    /** The registry label of metrics: a listed registry, docker.io, or `unlisted`. */
    readonly label: string;
    /** The cache key without its credential identity, and the anonymous key. */
    readonly keyBase: string;
    readonly anonymousKey: string;
  }
  const infos = new WeakMap<ImageReference, ImageInfo>();
  function infoOf(ref: ImageReference): ImageInfo {
    let info = infos.get(ref);
    if (info === undefined) {
      const entry = matchRegistry(config, ref);
      const keyBase = cacheKey({
        registry: ref.domain,
        repository: ref.path,
        reference: manifestReference(ref),
        credentialId: '',
      });
      info = {
        entry,
        label: entry ? ref.domain : ref.domain === DOCKER_HUB_DOMAIN ? DOCKER_HUB_DOMAIN : 'unlisted',
        keyBase,
        anonymousKey: keyBase + credentialIdentity(undefined),
      };
      infos.set(ref, info);
    }
    return info;
  }

  async function probeOne(
    target: ProbeTarget,
    label: string,
    signal: AbortSignal,
  ): Promise<ProbeResult | undefined> {
    const key = cacheKey(target);
    const cached = answers.peek(key);
    if (cached) {
      // The warm path stays synchronous: no timers, no listeners on the admission signal.
      metrics?.hit(label, cached.outcome);
      return cached;
    }
    const started = now();
    const lookup = answers.get(key, async () => {
      const value = await probeManifest(authDeps, target);
      const ttlSeconds =
        value.outcome === 'ok' ? config.probe.cacheTtlSeconds : config.probe.negativeCacheTtlSeconds;
      return { value, ttlMs: ttlSeconds * 1000 };
    });
    const answer = await untilAborted(lookup, signal);
    const seconds = (now() - started) / 1000;
    if (!answer) {
      metrics?.probe(label, 'skipped', seconds);
      return undefined;
    }
    if (answer.source === 'hit') metrics?.hit(label, answer.value.outcome);
    else {
      metrics?.cache(answer.source);
      metrics?.probe(label, answer.value.outcome, seconds);
    }
    return answer.value;
  }

  function recordCacheHit(request: ProbeRequest, facts: ImageFacts): void {
    if (!metrics) return;
    const label = infoOf(request.ref).label;
    if (facts.anonymous) metrics.hit(label, facts.anonymous.outcome);
    for (const probe of facts.withCredentials ?? []) metrics.hit(label, probe.result.outcome);
  }

  async function probeImage(request: ProbeRequest, signal: AbortSignal): Promise<ImageFacts> {
    const { entry, label } = infoOf(request.ref);
    const base = {
      origin: `${entry?.insecure ? 'http' : 'https'}://${apiHost(request.ref.domain)}`,
      registry: request.ref.domain,
      repository: request.ref.path,
      reference: manifestReference(request.ref),
      entry,
    };
    const target = (credential?: PullCredential): ProbeTarget =>
      credential
        ? { ...base, credential, credentialId: credentialIdentity(credential) }
        : { ...base, credentialId: 'anonymous' };

    if (request.credentials.length === 0) {
      const anonymous = await probeOne(target(), label, signal);
      return anonymous ? { anonymous } : { skipped: SKIPPED_BUDGET };
    }
    // The kubelet tries matching credentials in turn until one pulls; so do we.
    const withCredentials: CredentialProbe[] = [];
    for (const credential of request.credentials) {
      const result = await probeOne(target(credential), label, signal);
      if (!result) return { withCredentials, skipped: SKIPPED_BUDGET };
      withCredentials.push({ secretName: credential.secretName, key: credential.key, result });
      if (decidesForAll(result)) break;
    }
    return { withCredentials };
  }

  /** The answer from the cache alone, synchronously, or undefined when some probe is not cached. */
  function cachedImage(request: ProbeRequest): ImageFacts | undefined {
    const info = infoOf(request.ref);
    if (request.credentials.length === 0) {
      const anonymous = answers.peek(info.anonymousKey);
      return anonymous ? { anonymous } : undefined;
    }
    const withCredentials: CredentialProbe[] = [];
    for (const credential of request.credentials) {
      const result = answers.peek(info.keyBase + credentialIdentity(credential));
      if (!result) return undefined;
      withCredentials.push({ secretName: credential.secretName, key: credential.key, result });
      if (decidesForAll(result)) break;
    }
    return { withCredentials };
  }

  return {
    cached(requests) {
      const found: ImageFacts[] = [];
      for (const request of requests) {
        const cached = cachedImage(request);
        if (!cached) return undefined;
        found.push(cached);
      }
      // Counted only once the whole answer is served from the cache (else probe() counts).
      const facts = new Map<string, ImageFacts>();
      requests.forEach((request, index) => {
        const answer = found[index] as ImageFacts;
        facts.set(request.pointer, answer);
        recordCacheHit(request, answer);
      });
      return facts;
    },
    async probe(requests, signal) {
      const facts = new Map<string, ImageFacts>();
      if (signal.aborted) {
        for (const request of requests) facts.set(request.pointer, { skipped: SKIPPED_BUDGET });
        return facts;
      }
      // A pod answered wholly from the cache never gets here (cached() above); cached answers
      // among the others come from probeOne's own synchronous look-up.
      const answers = await Promise.all(requests.map((request) => probeImage(request, signal)));
      requests.forEach((request, index) =>
        facts.set(request.pointer, answers[index] ?? { skipped: SKIPPED_BUDGET }),
      );
      return facts;
    },
    close: () => client.close(),
  };
}

/** The promise's value, or undefined as soon as the signal aborts (the work goes on and fills the cache). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
