// Shared by the HTTPS benchmarks: two sides (server scripts) loaded with autocannon, the same
// generator, connections and body for both, and their throughput compared as a ratio.
//
// These machines are noisy in three ways, and the comparison is built against each:
// - the machine's speed drifts by 2-3x over minutes: rounds are short and alternate sides, and
//   each round's ratio is taken between two adjacent runs, so the drift cancels;
// - one process runs 10% faster or slower than an identical one for its whole life (memory
//   layout, JIT decisions): each side runs in several processes, paired one to one;
// - the scheduler may put the load generator and a server on the same core: with two or more
//   CPUs, servers are pinned to one and the generator to another.
// The figure is the median of the paired ratios.

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
  /** Mean figures of each side over all its runs. */
  readonly reference: LoadFigures;
  readonly candidate: LoadFigures;
  /** Median over adjacent pairs of candidate rps / reference rps. */
  readonly rpsRatio: number;
  /** Median over adjacent pairs of candidate p99 / reference p99. */
  readonly p99Ratio: number;
  readonly pairs: number;
}

export interface CompareOptions {
  readonly ca: string;
  readonly body: string;
  /** Processes per side. */
  readonly instances?: number;
  readonly rounds?: number;
  readonly seconds?: number;
}

/** Loads `candidate` against `reference` as described at the top of this file. */
export async function compareServers(
  reference: BenchSide,
  candidate: BenchSide,
  options: CompareOptions,
): Promise<Comparison> {
  const instances = options.instances ?? 3;
  const rounds = options.rounds ?? 3;
  const seconds = options.seconds ?? 2;
  const servers: { reference: RunningBenchServer; candidate: RunningBenchServer }[] = [];
  const runs = { reference: [] as LoadFigures[], candidate: [] as LoadFigures[] };
  const rpsRatios: number[] = [];
  const p99Ratios: number[] = [];
  try {
    for (let i = 0; i < instances; i++) {
      servers.push({
        reference: await startServer(reference.script, reference.args),
        candidate: await startServer(candidate.script, candidate.args),
      });
    }
    // Warm-up: JIT, TLS session setup, caches the candidate fills on its first requests.
    for (const pair of servers) {
      await load(pair.reference.port, options.ca, options.body, 1);
      await load(pair.candidate.port, options.ca, options.body, 1);
    }
    for (let round = 0; round < rounds; round++) {
      for (const pair of servers) {
        // Alternate which side goes first, so neither always follows the other.
        const order =
          (round + servers.indexOf(pair)) % 2 === 0 ? ['reference', 'candidate'] : ['candidate', 'reference'];
        const figures: Partial<Record<'reference' | 'candidate', LoadFigures>> = {};
        for (const side of order as ('reference' | 'candidate')[]) {
          figures[side] = await load(pair[side].port, options.ca, options.body, seconds);
          runs[side].push(figures[side]);
        }
        const ref = figures.reference as LoadFigures;
        const cand = figures.candidate as LoadFigures;
        rpsRatios.push(cand.rps / ref.rps);
        p99Ratios.push(cand.p99 / Math.max(ref.p99, 1));
      }
    }
  } finally {
    for (const pair of servers) {
      pair.reference.child.kill();
      pair.candidate.child.kill();
    }
  }
  const summary = (list: readonly LoadFigures[]): LoadFigures => ({
    rps: mean(list, 'rps'),
    p50: mean(list, 'p50'),
    p99: mean(list, 'p99'),
    errors: list.reduce((sum, figures) => sum + figures.errors, 0),
  });
  return {
    reference: summary(runs.reference),
    candidate: summary(runs.candidate),
    rpsRatio: median(rpsRatios),
    p99Ratio: median(p99Ratios),
    pairs: rpsRatios.length,
  };
}
