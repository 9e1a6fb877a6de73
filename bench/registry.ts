// Registry prober benchmark, three figures as ratios measured in the same run:
//  1. a cold pod with 8 distinct images on a registry answering each manifest after 200 ms:
//     admission latency over the latency of one probe (target <= 1.5);
//  2. 1,000 concurrent admissions of pods sharing 5 uncached images on a Bearer-auth registry:
//     manifest and token requests reaching the registry (targets <= 5 each);
//  3. warm cache: admission throughput with registry rules on over the same with them off (>= 0.9).

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildConfig } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import type { ProbeRequest } from '../src/core/gather.js';
import { parseImageReference } from '../src/image/reference.js';
import { createRegistryProber } from '../src/registry/prober.js';
import { startFakeDistribution } from './fake-distribution.js';
import { podReview } from './fixtures.js';
import { compareServers } from './servers/harness.js';
import { writeBenchCertificates } from './servers/tls.js';

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

/**
 * Warm cache: whole admissions (HTTPS, the real app, a real prober whose answers are cached)
 * with the registry rules on, against the same server with them off, alternating rounds.
 */
async function warmThroughput(): Promise<number> {
  const registry = await startFakeDistribution({ manifestDelayMs: 0, bearer: false });
  const files = writeBenchCertificates();
  const ca = readFileSync(files.caFile, 'utf8');
  const registryRules = [
    'image-not-found',
    'platform-unavailable',
    'registry-unresolvable',
    'registry-unreachable',
    'registry-rate-limited',
    'pull-secret-missing',
    'pull-credentials-rejected',
  ];
  const registries = [{ prefix: registry.host, insecure: true }];
  const onFile = join(dirname(files.caFile), 'registry-on.json');
  const offFile = join(dirname(files.caFile), 'registry-off.json');
  writeFileSync(onFile, JSON.stringify({ registries }));
  writeFileSync(
    offFile,
    JSON.stringify({ registries, rules: Object.fromEntries(registryRules.map((id) => [id, 'off'])) }),
  );
  const images = Array.from({ length: 5 }, (_, i) => `${registry.host}/warm/image-${i}:1.0`);
  const body = podReview(images, 'warm');
  try {
    const result = await compareServers(
      { script: 'pullguard.js', args: [files.certFile, files.keyFile, offFile] },
      { script: 'pullguard.js', args: [files.certFile, files.keyFile, onFile] },
      { ca, body },
    );
    console.log(
      `warm cache: ${result.candidate.rps.toFixed(0)} admissions/s with registry rules, ${result.reference.rps.toFixed(0)} without, ratio ${result.rpsRatio.toFixed(2)} (median of ${result.rounds} simultaneous rounds; target >= 0.90)`,
    );
    return result.rpsRatio;
  } finally {
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
