// `npm run bench`: every benchmark in one run, figures and targets printed, exit 1 if a target fails.
// Speed targets are ratios against a baseline measured in the same run (the machines are noisy).

import { runAdmissionBench } from './admission.js';
import { printResults, type BenchResult } from './result.js';

const benches: Array<[string, () => Promise<BenchResult[]>]> = [['admission', () => runAdmissionBench()]];

const only = process.argv.slice(2);
const all: BenchResult[] = [];
for (const [name, bench] of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stdout.write(`== ${name}\n`);
  const results = await bench();
  printResults(results);
  all.push(...results);
}
const failed = all.filter((result) => !result.pass).length;
process.stdout.write(`bench: ${all.length - failed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 ? 1 : 0;
