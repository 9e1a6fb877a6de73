// The cluster overhead benchmark, run with a tiny count: it creates pods through the real API on
// both sides and reports figures (the full 300-per-side run is bench/cluster-overhead.ts).
// No timing assertion here: only that the benchmark measures both sides and reports.

import { expect, it } from '@jest/globals';
import { runClusterOverheadBench } from '../../bench/cluster-overhead.js';
import { pushPlain } from './support/images.js';
import { describeE2E, e2e } from './support/suite.js';

describeE2E('cluster overhead benchmark (tiny)', () => {
  it('measures pod creates with and without the webhooks', async () => {
    const { testbed } = e2e();
    const image = await pushPlain(testbed, 'e2e/web', '1');
    const pods = Number(process.env.PULLGUARD_E2E_BENCH_PODS ?? 10);
    const results = await runClusterOverheadBench({ kubeconfig: testbed.kubeconfig, image, pods, warmup: 3 });
    process.stdout.write(
      `${results.map((r) => `${r.name}: ${r.value.toFixed(2)} ${r.unit} (${r.detail ?? ''})`).join('\n')}\n`,
    );
    expect(results.map((r) => r.name)).toEqual([
      'cluster pod create p99 overhead of the webhooks',
      'cluster pod create p50 overhead of the webhooks',
      'cluster pod create p50 ratio with/without webhooks',
    ]);
    expect(results[0]?.detail).toContain(`${pods} pods per side`);
    expect(Number.isFinite(results[2]?.value)).toBe(true);
  });
});
