// `audit --registry` against a local registry: 1,000 documents sharing 50 images must reach the
// registry with at most one manifest request per image (issue target: at most 50), whatever the
// order and concurrency the audit uses. Counts, not timings: the figure is exact.

import { buildConfig } from '../src/config/load.js';
import { runAudit } from '../src/audit/run.js';
import { createRegistryProber } from '../src/registry/prober.js';
import { startFakeDistribution } from './fake-distribution.js';
import type { BenchResult } from './result.js';

export async function runAuditRegistryBench(documents = 1000, images = 50): Promise<BenchResult[]> {
  const registry = await startFakeDistribution({ manifestDelayMs: 5, bearer: true });
  const config = buildConfig({ registries: [{ prefix: registry.host, insecure: true }] });
  const prober = createRegistryProber(config);
  const text = Array.from({ length: documents }, (_, i) =>
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `app-${i}`, namespace: 'shop' },
      spec: {
        template: {
          spec: { containers: [{ name: 'app', image: `${registry.host}/team/image-${i % images}:1.0` }] },
        },
      },
    }),
  ).join('\n---\n');
  try {
    const report = await runAudit(
      { paths: ['-'], config, readStdin: () => Promise.resolve(text) },
      { prober },
    );
    if (report.summary.resources !== documents)
      throw new Error(`audited ${report.summary.resources} of ${documents}`);
    const detail = `${documents} documents, ${images} images; ${registry.counts.tokens} token and ${registry.counts.pings} /v2/ requests`;
    return [
      {
        name: `audit --registry: manifest requests for ${documents} documents sharing ${images} images`,
        value: registry.counts.manifests,
        unit: 'requests',
        target: `<= ${images}`,
        pass: registry.counts.manifests <= images,
        detail,
      },
    ];
  } finally {
    await prober.close();
    await registry.close();
  }
}
