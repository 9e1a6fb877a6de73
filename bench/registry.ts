// Registry prober benchmark, three figures as ratios measured in the same run:
//  1. a cold pod with 8 distinct images on a registry answering each manifest after 200 ms:
//     admission latency over the latency of one probe (target <= 1.5);
//  2. 1,000 concurrent admissions of pods sharing 5 uncached images on a Bearer-auth registry:
//     manifest and token requests reaching the registry (targets <= 5 each);
//  3. warm cache: admission throughput with registry rules on over the same with them off (>= 0.9).

import { performance } from 'node:perf_hooks';
import { buildConfig } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import { evaluate } from '../src/core/engine.js';
import { gatherFacts, type ProbeRequest } from '../src/core/gather.js';
import { parseImageReference } from '../src/image/reference.js';
import { createRegistryProber } from '../src/registry/prober.js';
import { walkWorkload, type Workload } from '../src/workload/walker.js';
import { startFakeDistribution } from './fake-distribution.js';

export interface RegistryBenchResult {
  readonly coldPodRatio: number;
  readonly sharedManifestRequests: number;
  readonly sharedTokenRequests: number;
  readonly warmThroughputRatio: number;
}

function requests(host: string, names: readonly string[]): ProbeRequest[] {
  return names.map((name, index) => {
    const parsed = parseImageReference(`${host}/${name}:1.0`);
    if (!parsed.ok) throw new Error(parsed.error);
    return { pointer: `/spec/containers/${index}`, ref: parsed.ref, credentials: [] };
  });
}

function configFor(host: string, extra: Record<string, unknown> = {}): Config {
  return buildConfig({
    registries: [{ prefix: host, insecure: true }],
    budgetMs: 5000,
    probe: { timeoutMs: 4000 },
    ...extra,
  });
}

async function coldPod(): Promise<number> {
  const registry = await startFakeDistribution({ manifestDelayMs: 200, bearer: false });
  try {
    const time = async (names: readonly string[]) => {
      const prober = createRegistryProber(configFor(registry.host));
      const started = performance.now();
      await prober.probe(requests(registry.host, names), AbortSignal.timeout(5000));
      const elapsed = performance.now() - started;
      await prober.close();
      return elapsed;
    };
    await time(['warm-up/image']); // the first probe of a process pays for JIT and module loading
    const one = await time(['single/image']);
    const eight = await time(Array.from({ length: 8 }, (_, i) => `pod/image-${i}`));
    console.log(
      `cold pod: one probe ${one.toFixed(0)} ms, 8 images ${eight.toFixed(0)} ms, ratio ${(eight / one).toFixed(2)} (target <= 1.5)`,
    );
    return eight / one;
  } finally {
    await registry.close();
  }
}

async function sharedImages(): Promise<{ manifests: number; tokens: number }> {
  const registry = await startFakeDistribution({ manifestDelayMs: 20, bearer: true });
  const prober = createRegistryProber(configFor(registry.host));
  try {
    const names = Array.from({ length: 5 }, (_, i) => `shared/image-${i}`);
    await Promise.all(
      Array.from({ length: 1000 }, () =>
        prober.probe(requests(registry.host, names), AbortSignal.timeout(5000)),
      ),
    );
    const { manifests, tokens } = registry.counts;
    console.log(
      `1000 admissions x 5 shared images: ${manifests} manifest requests, ${tokens} token requests (targets <= 5 each)`,
    );
    return { manifests, tokens };
  } finally {
    await prober.close();
    await registry.close();
  }
}

async function warmThroughput(): Promise<number> {
  const registry = await startFakeDistribution({ manifestDelayMs: 0, bearer: false });
  const names = Array.from({ length: 5 }, (_, i) => `warm/image-${i}`);
  const workload = walkWorkload({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'bench', namespace: 'default' },
    spec: { containers: names.map((name, i) => ({ name: `c${i}`, image: `${registry.host}/${name}:1.0` })) },
  }) as Workload;
  const registryOff = Object.fromEntries(
    [
      'image-not-found',
      'platform-unavailable',
      'registry-unresolvable',
      'registry-unreachable',
      'registry-rate-limited',
      'pull-secret-missing',
      'pull-credentials-rejected',
    ].map((id) => [id, 'off']),
  );
  const on = configFor(registry.host);
  const off = configFor(registry.host, { rules: registryOff });
  const prober = createRegistryProber(on);
  const admit = async (config: Config) => {
    const facts = await gatherFacts(workload, { prober }, config, AbortSignal.timeout(5000));
    return evaluate({ workload, operation: 'CREATE', facts, config, mode: 'validate' });
  };
  const rate = async (config: Config) => {
    const rounds = 20_000;
    const started = performance.now();
    for (let i = 0; i < rounds; i++) await admit(config);
    return rounds / ((performance.now() - started) / 1000);
  };
  try {
    await admit(on); // warm the cache
    await rate(off);
    await rate(on); // JIT warm-up of both paths
    const offRate = await rate(off);
    const onRate = await rate(on);
    console.log(
      `warm cache: ${onRate.toFixed(0)} admissions/s with registry rules, ${offRate.toFixed(0)} without, ratio ${(onRate / offRate).toFixed(2)} (target >= 0.90)`,
    );
    return onRate / offRate;
  } finally {
    await prober.close();
    await registry.close();
  }
}

export async function runRegistryBench(): Promise<RegistryBenchResult> {
  const coldPodRatio = await coldPod();
  const shared = await sharedImages();
  const warmThroughputRatio = await warmThroughput();
  return {
    coldPodRatio,
    sharedManifestRequests: shared.manifests,
    sharedTokenRequests: shared.tokens,
    warmThroughputRatio,
  };
}
