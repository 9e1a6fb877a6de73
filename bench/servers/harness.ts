// Shared by the HTTPS benchmarks: start a server script in its own process, and load it with
// autocannon (the same generator, connections and body for every side of a comparison).

import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const here = dirname(fileURLToPath(import.meta.url));

export interface RunningBenchServer {
  readonly child: ChildProcess;
  readonly port: number;
}

/** `script` is relative to bench/servers; it prints its port on the first line of stdout. */
export async function startServer(script: string, args: readonly string[]): Promise<RunningBenchServer> {
  const child = spawn(process.execPath, [join(here, script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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
