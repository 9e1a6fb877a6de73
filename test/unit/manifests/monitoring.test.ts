// The dashboard and alerts may only query metrics pullguard really exports, and docs/metrics.md
// documents every one of them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parse } from 'yaml';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Metric names declared in src/ (`name: 'pullguard_...'`), with their type. */
const declared = new Map<string, string>();
for (const file of sources('src')) {
  const text = readFileSync(file, 'utf8');
  // `new Counter({ name: ... })`, or the deferred wrappers of src/metrics/deferred.ts.
  for (const match of text.matchAll(
    /(?:new |deferred)(Counter|Gauge|Histogram|Summary)\(\{\s*name: '(pullguard_[a-z0-9_]+)'/g,
  ))
    declared.set(match[2]!, match[1]!);
}
const defaults = new Registry();
collectDefaultMetrics({ register: defaults, prefix: 'pullguard_' });
const defaultNames = new Set(defaults.getMetricsAsArray().map((metric) => metric.name));

/** Series a query may name: counters/gauges as is, histograms with _bucket/_sum/_count. */
function exported(name: string): boolean {
  if (declared.has(name) || defaultNames.has(name)) return true;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return declared.get(base) === 'Histogram' || (defaultNames.has(base) && base !== name);
}
const metricsIn = (expr: string) => [...expr.matchAll(/\bpullguard_[a-z0-9_]+/g)].map((m) => m[0]);

const dashboard = JSON.parse(readFileSync('manifests/monitoring/grafana-dashboard.json', 'utf8'));
const rule = parse(readFileSync('manifests/monitoring/prometheusrule.yaml', 'utf8'));

describe('metrics in src/', () => {
  it('are found (the scan itself works)', () => {
    expect(declared.get('pullguard_admission_requests_total')).toBe('Counter');
    expect(declared.get('pullguard_admission_duration_seconds')).toBe('Histogram');
    expect(declared.size).toBeGreaterThanOrEqual(14);
  });

  it('are each documented in docs/metrics.md', () => {
    const doc = readFileSync('docs/metrics.md', 'utf8');
    for (const name of declared.keys()) expect(doc).toContain(`\`${name}\``);
    for (const name of metricsIn(doc)) expect(exported(name)).toBe(true);
  });
});

describe('Grafana dashboard', () => {
  const targets = dashboard.panels.flatMap((panel: { targets: { expr: string }[] }) => panel.targets);

  it('is a dashboard with unique panel ids and a Prometheus datasource variable', () => {
    expect(dashboard.uid).toBe('pullguard');
    const ids = dashboard.panels.map((panel: { id: number }) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.templating.list[0]).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(targets.length).toBeGreaterThan(0);
  });

  it('queries only exported metrics, and shows accuracy, back-off categories and latency', () => {
    for (const target of targets) {
      expect(metricsIn(target.expr).length).toBeGreaterThan(0);
      for (const name of metricsIn(target.expr)) expect([name, exported(name)]).toEqual([name, true]);
    }
    const all = targets.map((t: { expr: string }) => t.expr).join('\n');
    for (const name of [
      'pullguard_prediction_outcomes_total',
      'pullguard_watch_pull_failures_total',
      'pullguard_admission_duration_seconds_bucket',
    ])
      expect(all).toContain(name);
  });
});

describe('PrometheusRule', () => {
  const rules = rule.spec.groups.flatMap((group: { rules: unknown[] }) => group.rules) as {
    alert: string;
    expr: string;
    labels: { severity: string };
    annotations: { summary: string };
  }[];

  it('has the shape prometheus-operator expects', () => {
    expect(rule).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule' });
    expect(rule.metadata.name).toBe('pullguard');
    for (const group of rule.spec.groups) expect(typeof group.name).toBe('string');
    for (const alert of rules) {
      expect(alert.alert).toMatch(/^Pullguard[A-Za-z]+$/);
      expect(typeof alert.expr).toBe('string');
      expect(['info', 'warning', 'critical']).toContain(alert.labels.severity);
      expect(alert.annotations.summary.length).toBeGreaterThan(0);
    }
  });

  it('alerts on webhook errors, latency, prediction accuracy and back-off, over exported metrics only', () => {
    for (const alert of rules)
      for (const name of metricsIn(alert.expr)) expect([name, exported(name)]).toEqual([name, true]);
    const exprs = rules.map((alert) => alert.expr).join('\n');
    for (const name of [
      'pullguard_admission_requests_total',
      'pullguard_admission_duration_seconds_bucket',
      'pullguard_prediction_outcomes_total',
      'pullguard_watch_pull_failures_total',
    ])
      expect(exprs).toContain(name);
  });
});
