// Admission throughput and latency against the baseline server, same run, same body, same load
// generator (autocannon), each server in its own process. Rounds alternate to spread the noise.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createAdmissionHandler } from '../src/admission/handler.js';
import { decodeAdmissionReview } from '../src/admission/review.js';
import { DEFAULT_CONFIG } from '../src/config/load.js';
import { silentLogger } from '../src/logger.js';
import { load, mean, startServer, type LoadFigures } from './servers/harness.js';
import { writeBenchCertificates } from './servers/tls.js';
import type { BenchResult } from './result.js';

/** A Deployment with 3 containers and 2 init containers, as the API server would send it. */
export function realisticReview(uid = 'bench'): string {
  const container = (name: string, image: string) => ({
    name,
    image,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ containerPort: 8080, protocol: 'TCP' }],
    env: Array.from({ length: 8 }, (_, i) => ({ name: `VAR_${i}`, value: `value-${i}` })),
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    volumeMounts: [{ name: 'data', mountPath: '/data' }],
  });
  const object = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'checkout',
      namespace: 'shop',
      labels: { app: 'checkout', team: 'payments' },
      annotations: { 'deployment.kubernetes.io/revision': '7' },
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'checkout' } },
      template: {
        metadata: { labels: { app: 'checkout' } },
        spec: {
          serviceAccountName: 'checkout',
          imagePullSecrets: [{ name: 'regcred' }],
          initContainers: [
            container('migrate', 'registry.example.com/shop/migrate:2.4.1'),
            container('wait', 'busybox:1.36'),
          ],
          containers: [
            container('api', 'registry.example.com/shop/checkout:2.4.1'),
            container('proxy', 'envoyproxy/envoy:v1.31.0'),
            container('metrics', 'prom/statsd-exporter:latest'),
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
        },
      },
    },
  };
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      resource: { group: 'apps', version: 'v1', resource: 'deployments' },
      namespace: 'shop',
      operation: 'CREATE',
      userInfo: { username: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts'] },
      object,
      dryRun: false,
    },
  });
}

/** pullguard's own answer to the benchmark body, for the baseline to send back unchanged. */
async function pullguardAnswer(body: string): Promise<unknown> {
  const handler = createAdmissionHandler({ config: () => DEFAULT_CONFIG, sources: {}, logger: silentLogger });
  const decoded = decodeAdmissionReview(JSON.parse(body));
  if (!decoded.ok) throw new Error(decoded.error);
  return (await handler.handle(decoded.request, 'validate')).response;
}

export async function runAdmissionBench(
  options: { seconds?: number; rounds?: number } = {},
): Promise<BenchResult[]> {
  const seconds = options.seconds ?? 8;
  const rounds = options.rounds ?? 2;
  const files = writeBenchCertificates();
  const ca = readFileSync(files.caFile, 'utf8');
  const body = realisticReview();
  const answerFile = join(dirname(files.caFile), 'answer.json');
  writeFileSync(answerFile, JSON.stringify(await pullguardAnswer(body)));
  const baseline = await startServer('baseline.js', [files.certFile, files.keyFile, answerFile]);
  const pullguard = await startServer('pullguard.js', [files.certFile, files.keyFile]);
  const figures: { baseline: LoadFigures[]; pullguard: LoadFigures[] } = { baseline: [], pullguard: [] };
  try {
    await load(baseline.port, ca, body, 1);
    await load(pullguard.port, ca, body, 1);
    for (let round = 0; round < rounds; round++) {
      figures.baseline.push(await load(baseline.port, ca, body, seconds));
      figures.pullguard.push(await load(pullguard.port, ca, body, seconds));
    }
  } finally {
    baseline.child.kill();
    pullguard.child.kill();
  }
  const base = {
    rps: mean(figures.baseline, 'rps'),
    p50: mean(figures.baseline, 'p50'),
    p99: mean(figures.baseline, 'p99'),
  };
  const ours = {
    rps: mean(figures.pullguard, 'rps'),
    p50: mean(figures.pullguard, 'p50'),
    p99: mean(figures.pullguard, 'p99'),
  };
  const errors = mean(figures.pullguard, 'errors');
  const rpsRatio = ours.rps / base.rps;
  const p99Ratio = ours.p99 / Math.max(base.p99, 1);
  const detail =
    `baseline ${base.rps.toFixed(0)} req/s p50 ${base.p50.toFixed(1)} ms p99 ${base.p99.toFixed(1)} ms; ` +
    `pullguard ${ours.rps.toFixed(0)} req/s p50 ${ours.p50.toFixed(1)} ms p99 ${ours.p99.toFixed(1)} ms; errors ${errors}`;
  return [
    {
      name: 'admission throughput vs baseline',
      value: rpsRatio,
      unit: 'x',
      target: '>= 0.70',
      pass: rpsRatio >= 0.7 && errors === 0,
      detail,
    },
    {
      name: 'admission p99 vs baseline',
      value: p99Ratio,
      unit: 'x',
      target: '< 2.0',
      pass: p99Ratio < 2,
      detail,
    },
  ];
}
