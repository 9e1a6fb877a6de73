// Offline audit throughput: 10,000 generated documents (all workload kinds, 3 containers each)
// through runAudit, against a baseline of only parsing the same YAML with the parser audit uses
// (js-yaml), in the same run. Target: at least 5,000 documents per second. The machines are
// noisy, so each is timed in alternating rounds and the best round of each counts.
// Run alone: npm run bench -- audit.

import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { pathToFileURL } from 'node:url';
import { runAudit } from '../src/audit/run.js';
import { DEFAULT_CONFIG } from '../src/config/load.js';
import type { BenchResult } from './result.js';

export interface AuditBenchResult {
  readonly documents: number;
  readonly findings: number;
  readonly rounds: number;
  /** Best round; `medianDocsPerSecond` shows the spread. */
  readonly docsPerSecond: number;
  readonly medianDocsPerSecond: number;
  readonly parseOnlyDocsPerSecond: number;
  /** Best round by this process's CPU time: what an idle machine would give. */
  readonly cpuDocsPerSecond: number;
  readonly peakHeapMiB: number;
}

export const TARGET_DOCS_PER_SECOND = 5000;

const KINDS: readonly [string, string, string[]][] = [
  ['v1', 'Pod', []],
  ['apps/v1', 'Deployment', ['template']],
  ['apps/v1', 'StatefulSet', ['template']],
  ['apps/v1', 'DaemonSet', ['template']],
  ['apps/v1', 'ReplicaSet', ['template']],
  ['batch/v1', 'Job', ['template']],
  ['batch/v1', 'CronJob', ['jobTemplate', 'template']],
  ['v1', 'ReplicationController', ['template']],
];
const IMAGES = [
  'nginx:1.27.2',
  'redis',
  'registry.corp.example/team/api:2.1',
  'Bad/Name:1',
  'busybox:latest',
  'ghcr.io/x/y@sha256:' + 'a'.repeat(64),
];

export function generateManifests(count: number): string {
  const docs: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const [apiVersion, kind, path] = KINDS[i % KINDS.length] as [string, string, string[]];
    const containers = [0, 1, 2].map((c) => ({
      name: `c${c}`,
      image: IMAGES[(i + c) % IMAGES.length],
      ...(c === 2 && i % 5 === 0 ? { imagePullPolicy: 'Never' } : {}),
      ports: [{ containerPort: 8080 + c }],
      resources: { limits: { cpu: '100m', memory: '64Mi' } },
    }));
    const podSpec = { containers, imagePullSecrets: [{ name: 'regcred' }] };
    // Wrap the pod spec in a template (and a job template for CronJobs) as each kind nests it.
    let spec: Record<string, unknown> = podSpec;
    for (const key of [...path].reverse()) spec = { [key]: { metadata: { labels: { app: `a${i}` } }, spec } };
    const object = { apiVersion, kind, metadata: { name: `w${i}`, namespace: `ns${i % 7}` }, spec };
    docs.push(`# doc ${i}\n${toYaml(object, 0)}`);
  }
  return docs.join('---\n');
}

function toYaml(value: unknown, indent: number): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    return value.map((item) => `${pad}- ${toYaml(item, indent + 2).trimStart()}`).join('');
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .map(([key, child]) =>
        typeof child === 'object' && child !== null
          ? `${pad}${key}:\n${toYaml(child, indent + 2)}`
          : `${pad}${key}: ${JSON.stringify(child)}\n`,
      )
      .join('');
  }
  return `${JSON.stringify(value)}\n`;
}

export async function benchAudit(count = 10_000, rounds = 3): Promise<AuditBenchResult> {
  const text = generateManifests(count);
  let peak = process.memoryUsage().heapUsed;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  };
  const parseRates: number[] = [];
  const auditRates: number[] = [];
  const cpuRates: number[] = [];
  let findings = 0;
  for (let round = 0; round < rounds; round += 1) {
    collectGarbage();
    const parseStart = performance.now();
    const values = loadAll(text, null, { schema: CORE_SCHEMA });
    parseRates.push(count / ((performance.now() - parseStart) / 1000));
    if (values.length !== count) throw new Error(`baseline parsed ${values.length} documents, not ${count}`);

    collectGarbage();
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const report = await runAudit({
      paths: ['-'],
      config: DEFAULT_CONFIG,
      readStdin: () => Promise.resolve(text),
      onProgress: (done) => {
        if (done % 500 === 0) sample();
      },
    });
    auditRates.push(count / ((performance.now() - start) / 1000));
    const cpu = process.cpuUsage(cpuStart);
    cpuRates.push(count / ((cpu.user + cpu.system) / 1e6));
    sample();
    if (report.summary.resources !== count)
      throw new Error(`audited ${report.summary.resources} of ${count}`);
    findings = report.findings.length;
  }
  const sorted = [...auditRates].sort((a, b) => a - b);
  return {
    documents: count,
    findings,
    rounds,
    docsPerSecond: Math.max(...auditRates),
    medianDocsPerSecond: sorted[Math.floor(sorted.length / 2)] ?? 0,
    parseOnlyDocsPerSecond: Math.max(...parseRates),
    cpuDocsPerSecond: Math.max(...cpuRates),
    peakHeapMiB: peak / 1024 / 1024,
  };
}

/** Started with --expose-gc (as bench/run.ts does), rounds start from the same heap. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export async function runAuditBench(): Promise<BenchResult[]> {
  const r = await benchAudit();
  const ratio = r.docsPerSecond / r.parseOnlyDocsPerSecond;
  return [
    {
      name: `offline audit of ${r.documents} documents (best of ${r.rounds})`,
      value: Math.round(r.docsPerSecond),
      unit: 'docs/s',
      target: `>= ${TARGET_DOCS_PER_SECOND}`,
      pass: r.docsPerSecond >= TARGET_DOCS_PER_SECOND,
      detail: `median ${r.medianDocsPerSecond.toFixed(0)} docs/s, by CPU time ${r.cpuDocsPerSecond.toFixed(0)} docs/s; parse-only baseline (js-yaml) ${r.parseOnlyDocsPerSecond.toFixed(0)} docs/s, audit/parse ratio ${ratio.toFixed(2)}; ${r.findings} findings; peak heap ${r.peakHeapMiB.toFixed(0)} MiB`,
    },
  ];
}

function print(result: AuditBenchResult): void {
  const ratio = result.docsPerSecond / result.parseOnlyDocsPerSecond;
  console.log(`audit: ${result.documents} documents, ${result.findings} findings`);
  console.log(
    `audit: ${result.docsPerSecond.toFixed(0)} documents/s best of ${result.rounds}, median ${result.medianDocsPerSecond.toFixed(0)} (target >= ${TARGET_DOCS_PER_SECOND})`,
  );
  console.log(
    `audit: parse-only baseline ${result.parseOnlyDocsPerSecond.toFixed(0)} documents/s; ratio ${ratio.toFixed(2)}`,
  );
  console.log(`audit: by CPU time ${result.cpuDocsPerSecond.toFixed(0)} documents/s`);
  console.log(`audit: peak heap ${result.peakHeapMiB.toFixed(1)} MiB`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  print(await benchAudit());
}
