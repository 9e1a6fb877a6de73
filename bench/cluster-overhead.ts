// Server-side create latency of Pods on the real testbed, with pullguard's webhooks in the path
// and without, measured in the same run and interleaved (one with, one without, alternating which
// goes first) so machine noise hits both sides alike. Creates go straight to the API with
// client-node; the pods select no node, so the scheduler parks them and the kubelet does nothing.
// Target: p99 overhead under 20 ms with warm caches (a warm-up round is discarded).
//
// Needs a running testbed with pullguard's webhooks selecting namespaces by label, as the e2e
// suite deploys them: `PULLGUARD_KEEP_TESTBED=1 npm run test -- --selectProjects e2e`, then
//   KUBECONFIG=... PULLGUARD_BENCH_IMAGE=127.0.0.1:5100/e2e/web:latest node .bench/bench/cluster-overhead.js

import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { printResults, type BenchResult } from './result.js';

export interface ClusterOverheadOptions {
  readonly kubeconfig: string;
  /** An image its registry has: the prober answers from its cache after the first pod. */
  readonly image: string;
  /** Pods per side (default 300) after `warmup` per side (default 20, discarded). */
  readonly pods?: number;
  readonly warmup?: number;
  /** Namespace labels that make the webhooks apply, and labels that make them skip. */
  readonly withLabels?: Readonly<Record<string, string>>;
  readonly withoutLabels?: Readonly<Record<string, string>>;
  /** Namespace name prefix (the e2e config picks a policy by it; warn-only by default). */
  readonly namespacePrefix?: string;
  readonly targetMs?: number;
}

export interface Latencies {
  readonly p50: number;
  readonly p99: number;
  readonly samples: number;
}

export function latencies(samples: readonly number[]): Latencies {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), samples: sorted.length };
}

export async function runClusterOverheadBench(options: ClusterOverheadOptions): Promise<BenchResult[]> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(options.kubeconfig);
  const api = kubeConfig.makeApiClient(CoreV1Api);
  const pods = options.pods ?? 300;
  const warmup = options.warmup ?? 20;
  const targetMs = options.targetMs ?? 20;
  const suffix = randomBytes(3).toString('hex');
  const prefix = options.namespacePrefix ?? 'e2e-warn-bench';
  const withNs = `${prefix}-with-${suffix}`;
  const withoutNs = `${prefix}-without-${suffix}`;
  await createNamespace(api, withNs, options.withLabels ?? { 'pullguard.dev/e2e': 'true' });
  await createNamespace(api, withoutNs, options.withoutLabels ?? { 'pullguard.dev/ignore': 'true' });
  const timed = { with: [] as number[], without: [] as number[] };
  try {
    for (let i = 0; i < warmup + pods; i += 1) {
      const order = i % 2 === 0 ? (['with', 'without'] as const) : (['without', 'with'] as const);
      for (const side of order) {
        const namespace = side === 'with' ? withNs : withoutNs;
        const start = performance.now();
        await api.createNamespacedPod({ namespace, body: podBody(`p-${i}`, options.image) });
        const elapsed = performance.now() - start;
        if (i >= warmup) timed[side].push(elapsed);
      }
    }
  } finally {
    await Promise.all(
      [withNs, withoutNs].map((name) => api.deleteNamespace({ name }).catch(() => undefined)),
    );
  }
  const w = latencies(timed.with);
  const wo = latencies(timed.without);
  const overhead99 = w.p99 - wo.p99;
  const detail = `with webhooks p50 ${w.p50.toFixed(1)} ms p99 ${w.p99.toFixed(1)} ms; without p50 ${wo.p50.toFixed(1)} ms p99 ${wo.p99.toFixed(1)} ms; ${pods} pods per side`;
  return [
    {
      name: 'cluster pod create p99 overhead of the webhooks',
      value: overhead99,
      unit: 'ms',
      target: `< ${targetMs} ms`,
      pass: overhead99 < targetMs,
      detail,
    },
    {
      name: 'cluster pod create p50 overhead of the webhooks',
      value: w.p50 - wo.p50,
      unit: 'ms',
      target: 'reported',
      pass: true,
    },
    {
      name: 'cluster pod create p50 ratio with/without webhooks',
      value: w.p50 / wo.p50,
      unit: 'x',
      target: 'reported',
      pass: true,
    },
  ];
}

function podBody(name: string, image: string): V1Pod {
  return {
    metadata: { name },
    spec: {
      // No node carries this label: the pod is stored and parked, never started.
      nodeSelector: { 'pullguard.dev/bench': 'never-scheduled' },
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'app', image }],
    },
  };
}

async function createNamespace(api: CoreV1Api, name: string, labels: Record<string, string>) {
  await api.createNamespace({ body: { metadata: { name, labels } } });
  // Pods are refused until the namespace's default ServiceAccount exists.
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await api.readNamespacedServiceAccount({ name: 'default', namespace: name });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const kubeconfig = process.env.KUBECONFIG;
  const image = process.env.PULLGUARD_BENCH_IMAGE;
  if (!kubeconfig || !image) {
    process.stderr.write('cluster-overhead: set KUBECONFIG and PULLGUARD_BENCH_IMAGE\n');
    process.exit(2);
  }
  const results = await runClusterOverheadBench({ kubeconfig, image });
  printResults(results);
  process.exitCode = results.every((result) => result.pass) ? 0 : 1;
}
