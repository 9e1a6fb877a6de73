// Prober metrics on a registry the caller passes in. Labels are registry hosts of configured
// registries (or `docker.io`), outcomes and fixed words: never credentials, never user-chosen hosts.

import { Counter, Histogram, type Registry } from 'prom-client';
import type { PullOutcome } from '../core/outcomes.js';
import { counterChildren, histogramChildren } from '../metrics/children.js';

export interface ProberMetrics {
  probe(registry: string, outcome: PullOutcome | 'skipped', seconds: number): void;
  cache(result: 'hit' | 'miss' | 'coalesced'): void;
  request(registry: string, kind: 'ping' | 'token' | 'manifest'): void;
}

export function createProberMetrics(registry: Registry): ProberMetrics {
  const probes = new Counter({
    name: 'pullguard_registry_probes_total',
    help: 'Image probes by registry and outcome',
    labelNames: ['registry', 'outcome'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'pullguard_registry_probe_duration_seconds',
    help: 'Time to answer one image probe, cache hits included',
    labelNames: ['registry'],
    buckets: [0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [registry],
  });
  const cache = new Counter({
    name: 'pullguard_registry_cache_total',
    help: 'Probe cache lookups: hit, miss, or coalesced into a probe already running',
    labelNames: ['result'],
    registers: [registry],
  });
  const coalesced = new Counter({
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
  const probe = counterChildren(probes);
  const time = histogramChildren(latency);
  const lookup = counterChildren(cache);
  return {
    probe(name, outcome, seconds) {
      probe({ registry: name, outcome }).inc();
      time({ registry: name }).observe(seconds);
    },
    cache(result) {
      lookup({ result }).inc();
      if (result === 'coalesced') coalesced.inc();
    },
    request(name, kind) {
      requests.inc({ registry: name, kind });
    },
  };
}
