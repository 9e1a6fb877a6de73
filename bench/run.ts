// `npm run bench`: every benchmark, each in its own process (heap figures stay independent),
// figures and targets printed, exit 1 if a target is missed. Speed targets are ratios against a
// baseline measured in the same run, because these machines are noisy.
// `npm run bench -- NAME...` runs only the named ones.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runAdmissionBench } from './admission.js';
import { runAuditRegistryBench } from './audit-registry.js';
import { runAuditBench } from './audit.js';
import { clusterMemoryBenchmark } from './cluster-memory.js';
import { runRegistryBench } from './registry.js';
import { printResults, type BenchResult } from './result.js';
import { runWatcherBench } from './watcher.js';

const BENCHES: Record<string, () => Promise<BenchResult[]>> = {
  admission: () => runAdmissionBench(),
  registry: async () => {
    const r = await runRegistryBench();
    return [
      {
        name: 'cold pod, 8 images vs one probe',
        value: r.coldPodRatio,
        unit: 'x',
        target: '<= 1.5',
        pass: r.coldPodRatio <= 1.5,
      },
      {
        name: '1,000 admissions sharing 5 uncached images: manifest requests',
        value: r.sharedManifestRequests,
        unit: 'requests',
        target: '<= 5',
        pass: r.sharedManifestRequests <= 5,
      },
      {
        name: '1,000 admissions sharing 5 uncached images: token requests',
        value: r.sharedTokenRequests,
        unit: 'requests',
        target: '<= 5',
        pass: r.sharedTokenRequests <= 5,
      },
      {
        name: 'warm-cache throughput, registry rules on vs off',
        value: r.warmThroughputRatio,
        unit: 'x',
        target: '>= 0.90',
        pass: r.warmThroughputRatio >= 0.9,
      },
    ];
  },
  'cluster-memory': async () => {
    const r = await clusterMemoryBenchmark();
    return [
      {
        name: `heap for ${r.nodes} nodes + ${r.serviceAccounts} ServiceAccounts`,
        value: r.heapUsedMB,
        unit: 'MB',
        target: `< ${r.targetMB}`,
        pass: r.heapUsedMB < r.targetMB,
      },
    ];
  },
  watcher: async () => {
    const r = await runWatcherBench();
    const detail = `baseline JSON round-trip ${r.baselineEventsPerSecond}/s (ratio ${r.ratioToBaseline}); ${r.pods} pods, ledger joined ${r.ledgerTotal}`;
    return [
      {
        name: `watcher replay of ${r.events} events`,
        value: r.eventsPerSecond,
        unit: 'events/s',
        target: '>= 20000',
        pass: r.eventsPerSecond >= 20_000,
        detail,
      },
      {
        name: 'watcher peak heap',
        value: r.peakHeapMB,
        unit: 'MB',
        target: '< 200',
        pass: r.peakHeapMB < 200,
      },
    ];
  },
  'audit-registry': () => runAuditRegistryBench(),
  audit: () => runAuditBench(),
};

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}\n`,
  );
  process.exit(2);
}

if (process.env.PULLGUARD_BENCH_CHILD === '1') {
  // Child mode: run one benchmark here and report its results as JSON on the last line.
  const name = requested[0] ?? '';
  const results = await (BENCHES[name] ?? (() => Promise.resolve([])))();
  process.stdout.write(`BENCH_RESULTS ${JSON.stringify(results)}\n`);
} else {
  const names = requested.length > 0 ? requested : Object.keys(BENCHES);
  const all: BenchResult[] = [];
  for (const name of names) {
    process.stdout.write(`== ${name}\n`);
    const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), name], {
      encoding: 'utf8',
      env: { ...process.env, PULLGUARD_BENCH_CHILD: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    });
    const lines = child.stdout.split('\n');
    const marker = lines.find((line) => line.startsWith('BENCH_RESULTS '));
    for (const line of lines)
      if (line && !line.startsWith('BENCH_RESULTS ')) process.stdout.write(`   ${line}\n`);
    const results: BenchResult[] = marker
      ? (JSON.parse(marker.slice('BENCH_RESULTS '.length)) as BenchResult[])
      : [
          {
            name: `${name} (crashed, exit ${child.status})`,
            value: 0,
            unit: '',
            target: 'runs',
            pass: false,
          },
        ];
    printResults(results);
    all.push(...results);
  }
  const failed = all.filter((result) => !result.pass).length;
  process.stdout.write(`bench: ${all.length - failed} passed, ${failed} failed\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}
