// Offline audit throughput: 10,000 generated documents (all workload kinds, 3 containers each)
// through runAudit, against a baseline of only parsing the same YAML in the same run.
// Run alone: npm run bench:audit. Target: at least 5,000 documents per second.

import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { runAudit } from '../src/audit/run.js';
import { DEFAULT_CONFIG } from '../src/config/load.js';

export interface AuditBenchResult {
  readonly documents: number;
  readonly findings: number;
  readonly docsPerSecond: number;
  readonly parseOnlyDocsPerSecond: number;
  readonly peakHeapMiB: number;
}

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

export async function benchAudit(count = 10_000): Promise<AuditBenchResult> {
  const text = generateManifests(count);
  let peak = process.memoryUsage().heapUsed;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  };

  const parseStart = performance.now();
  const parsed = parseAllDocuments(text);
  const values = (Array.isArray(parsed) ? parsed : []).map((doc) => doc.toJS());
  const parseSeconds = (performance.now() - parseStart) / 1000;
  if (values.length !== count) throw new Error(`baseline parsed ${values.length} documents, not ${count}`);

  const start = performance.now();
  const report = await runAudit({
    paths: ['-'],
    config: DEFAULT_CONFIG,
    readStdin: () => Promise.resolve(text),
    onProgress: (done) => {
      if (done % 500 === 0) sample();
    },
  });
  const seconds = (performance.now() - start) / 1000;
  sample();
  if (report.summary.resources !== count) throw new Error(`audited ${report.summary.resources} of ${count}`);
  return {
    documents: count,
    findings: report.findings.length,
    docsPerSecond: count / seconds,
    parseOnlyDocsPerSecond: count / parseSeconds,
    peakHeapMiB: peak / 1024 / 1024,
  };
}

function print(result: AuditBenchResult): void {
  const ratio = result.docsPerSecond / result.parseOnlyDocsPerSecond;
  console.log(`audit: ${result.documents} documents, ${result.findings} findings`);
  console.log(`audit: ${result.docsPerSecond.toFixed(0)} documents/s (target >= 5000)`);
  console.log(
    `audit: parse-only baseline ${result.parseOnlyDocsPerSecond.toFixed(0)} documents/s; ratio ${ratio.toFixed(2)}`,
  );
  console.log(`audit: peak heap ${result.peakHeapMiB.toFixed(1)} MiB`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  print(await benchAudit());
}
