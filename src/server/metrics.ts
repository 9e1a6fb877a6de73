// Prometheus metrics of the webhook, on a registry owned by the app (never the global one), so
// tests and several servers in one process stay independent. Labels never carry credentials.

import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import type { Finding } from '../core/finding.js';
import { deferredCounter, deferredHistogram } from '../metrics/deferred.js';

export interface AdmissionMetrics {
  readonly registry: Registry;
  observeRequest(endpoint: string, verdict: string, seconds: number): void;
  observeFindings(endpoint: string, findings: readonly Finding[]): void;
  observeError(
    endpoint: string,
    kind: 'bad-request' | 'too-large' | 'unsupported-media-type' | 'internal',
  ): void;
}

export function createAdmissionMetrics(registry = new Registry(), defaults = true): AdmissionMetrics {
  if (defaults) collectDefaultMetrics({ register: registry, prefix: 'pullguard_' });
  const requests = deferredCounter({
    name: 'pullguard_admission_requests_total',
    help: 'AdmissionReview requests answered, by endpoint and verdict (allowed, denied, patched, skipped, error).',
    labelNames: ['endpoint', 'verdict'],
    registers: [registry],
  });
  const latency = deferredHistogram({
    name: 'pullguard_admission_duration_seconds',
    help: 'Time from request to answer, by endpoint and verdict.',
    labelNames: ['endpoint', 'verdict'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });
  const findings = deferredCounter({
    name: 'pullguard_findings_total',
    help: 'Findings reported, by endpoint, rule and action.',
    labelNames: ['endpoint', 'rule', 'action'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'pullguard_admission_errors_total',
    help: 'Requests refused before a decision, by endpoint and kind.',
    labelNames: ['endpoint', 'kind'],
    registers: [registry],
  });
  return {
    registry,
    observeRequest(endpoint, verdict, seconds) {
      requests.inc(endpoint, verdict);
      latency.observe(seconds, endpoint, verdict);
    },
    observeFindings(endpoint, list) {
      for (const finding of list) findings.inc(endpoint, finding.rule, finding.action);
    },
    observeError(endpoint, kind) {
      errors.inc({ endpoint, kind });
    },
  };
}
