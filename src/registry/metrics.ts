// Prober metrics on a registry the caller passes in. Labels are registry hosts of configured
// registries (or `docker.io`), outcomes and fixed words: never credentials, never user-chosen hosts.

import { Counter, type Registry } from 'prom-client';
import type { PullOutcome } from '../core/outcomes.js';
import { deferredCounter, deferredHistogram } from '../metrics/deferred.js';

export interface ProberMetrics {
  /** A probe that asked the registry, or waited for another that did. */
  probe(registry: string, outcome: PullOutcome | 'skipped', seconds: number): void;
  /** A probe answered from the cache: counted, but kept out of the latency histogram. */
  hit(registry: string, outcome: PullOutcome): void;
  cache(result: 'miss' | 'coalesced'): void;
  request(registry: string, kind: 'ping' | 'token' | 'manifest'): void;
}

export function createProberMetrics(registry: Registry): ProberMetrics {
  const probes = deferredCounter({
    name: 'pullguard_registry_probes_total',
    help: 'Image probes by registry and outcome',
    labelNames: ['registry', 'outcome'],
    registers: [registry],
  });
  const latency = deferredHistogram({
    name: 'pullguard_registry_probe_duration_seconds',
    help: 'Time to answer one image probe that asked the registry (cache hits are in pullguard_registry_cache_total)',
    labelNames: ['registry'],
    buckets: [0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [registry],
  });
  const cache = deferredCounter({
    name: 'pullguard_registry_cache_total',
    help: 'Probe cache lookups: hit, miss, or coalesced into a probe already running',
    labelNames: ['result'],
    registers: [registry],
  });
  const coalesced = deferredCounter({
    name: 'pullguard_registry_coalesced_probes_total',
    help: 'Probes that shared a request already in flight',
    registers: [registry],
  });
  const requests = new Counter({
    name: 'pullguard_registry_requests_total',
    help: 'HTTP requests sent to registries by kind',
    labelNames: ['registry', 'kind'],
    registers: [registry],
  });
  return {
    probe(name, outcome, seconds) {
      probes.inc(name, outcome);
      latency.observe(seconds, name);
    },
    hit(name, outcome) {
      probes.inc(name, outcome);
      cache.inc('hit');
    },
    cache(result) {
      cache.inc(result);
      if (result === 'coalesced') coalesced.inc();
    },
    request(name, kind) {
      requests.inc({ registry: name, kind });
    },
  };
}
