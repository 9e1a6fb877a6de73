// Shared by the HTTPS benchmarks: two sides (server scripts) loaded with autocannon, the same
// generator, connections and body for both, compared as ratios.
//
// These machines' speed drifts by 2-3x within seconds, so runs one after the other compare
// different machines. Throughput is therefore measured with both sides loaded at the same time,
// pinned to the same CPU(s): the kernel's fair scheduler gives each the same share of CPU at the
// same moments, each side's requests per second is its share divided by its cost per request, and
// the ratio of the two is the ratio of their costs, whatever the machine does meanwhile (two
// identical servers measure 0.98-1.02). The load generator is pinned to another CPU when there is
// one. Latency cannot be measured that way (each side would wait on the other's time slices), so
// it comes from short runs of one side at a time, alternating. Figures are medians over rounds.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const here = dirname(fileURLToPath(import.meta.url));

export interface RunningBenchServer {
  readonly child: ChildProcess;
  readonly port: number;
}

/** Pins this process (the load generator) to CPU 0 and returns the CPU list for servers. */
function pinLoadGenerator(): string | undefined {
  // Read before pinning: the count follows this process's affinity.
  const cpus = availableParallelism();
  if (cpus < 2) return undefined;
  const pinned = spawnSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
  return pinned.status === 0 ? `1-${cpus - 1}` : undefined;
}

let serverCpus: string | undefined | null = null;

/** `script` is relative to bench/servers; it prints its port on the first line of stdout. */
export async function startServer(script: string, args: readonly string[]): Promise<RunningBenchServer> {
  if (serverCpus === null) serverCpus = pinLoadGenerator();
  const command = [process.execPath, join(here, script), ...args];
  const child = serverCpus
    ? spawn('taskset', ['-c', serverCpus, ...command], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(command[0] as string, command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.stdout?.once('data', (data: Buffer) => resolve(Number(data.toString().trim())));
  });
  return { child, port };
}

export interface LoadFigures {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

export async function load(port: number, ca: string, body: string, seconds: number): Promise<LoadFigures> {
  const result = await autocannon({
    url: `https://127.0.0.1:${port}/validate`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: 16,
    duration: seconds,
    tlsOptions: { ca, servername: 'localhost' },
  } as autocannon.Options);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

export function mean(list: readonly LoadFigures[], key: keyof LoadFigures): number {
  return list.reduce((sum, figures) => sum + figures[key], 0) / list.length;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export interface BenchSide {
  readonly script: string;
  readonly args: readonly string[];
}

export interface Comparison {
  /** Requests per second of each side alone, p50 and p99 latency (means over alternating runs). */
  readonly reference: LoadFigures;
  readonly candidate: LoadFigures;
  /** Median over simultaneous rounds of candidate rps / reference rps. */
  readonly rpsRatio: number;
  /** Median over alternating pairs of candidate p99 / reference p99. */
  readonly p99Ratio: number;
  readonly rounds: number;
}

export interface CompareOptions {
  readonly ca: string;
  readonly body: string;
  readonly rounds?: number;
  /** Length of each simultaneous throughput run. */
  readonly seconds?: number;
  /** Length of each one-side latency run. */
  readonly latencySeconds?: number;
}

/** Loads `candidate` against `reference` as described at the top of this file. */
export async function compareServers(
  reference: BenchSide,
  candidate: BenchSide,
  options: CompareOptions,
): Promise<Comparison> {
  const rounds = options.rounds ?? 5;
  const seconds = options.seconds ?? 3;
  const latencySeconds = options.latencySeconds ?? 2;
  const { ca, body } = options;
  const ref = await startServer(reference.script, reference.args);
  const cand = await startServer(candidate.script, candidate.args).catch((error: unknown) => {
    ref.child.kill();
    throw error;
  });
  const alone = { reference: [] as LoadFigures[], candidate: [] as LoadFigures[] };
  const rpsRatios: number[] = [];
  const p99Ratios: number[] = [];
  let errors = 0;
  try {
    // Warm-up: JIT, connections, caches the candidate fills on its first requests. Shorter
    // warm-ups leave the side with more code still climbing through the first rounds.
    await Promise.all([load(ref.port, ca, body, 3), load(cand.port, ca, body, 3)]);
    for (let round = 0; round < rounds; round++) {
      const [r, c] = await Promise.all([
        load(ref.port, ca, body, seconds),
        load(cand.port, ca, body, seconds),
      ]);
      rpsRatios.push(c.rps / r.rps);
      errors += c.errors;
    }
    for (let round = 0; round < rounds; round++) {
      // Alternate which side goes first, so neither always follows the other.
      const first = round % 2 === 0;
      const r1 = first ? await load(ref.port, ca, body, latencySeconds) : undefined;
      const c = await load(cand.port, ca, body, latencySeconds);
      const r = r1 ?? (await load(ref.port, ca, body, latencySeconds));
      alone.reference.push(r);
      alone.candidate.push(c);
      p99Ratios.push(c.p99 / Math.max(r.p99, 1));
      errors += c.errors;
    }
  } finally {
    ref.child.kill();
    cand.child.kill();
  }
  const summary = (list: readonly LoadFigures[], errorCount: number): LoadFigures => ({
    rps: mean(list, 'rps'),
    p50: mean(list, 'p50'),
    p99: mean(list, 'p99'),
    errors: errorCount,
  });
  return {
    reference: summary(
      alone.reference,
      alone.reference.reduce((sum, f) => sum + f.errors, 0),
    ),
    candidate: summary(alone.candidate, errors),
    rpsRatio: median(rpsRatios),
    p99Ratio: median(p99Ratios),
    rounds,
  };
}
