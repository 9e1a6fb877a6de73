// Item 3: sustained load. The compiled webhook runs in a child process against a registry that
// flaps between healthy and resetting; autocannon measures the maximum rate, then holds 80% of it
// with a mix of cached and never-seen images. No error answers; heap (after a full collection)
// and open sockets stay flat between the end of the warm-up and the end of the run, both sampled at rest.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { FULL, recordFigure } from '../../harden/figures.js';

const SUSTAINED_S = FULL ? 600 : 15;
const PROBE_S = FULL ? 10 : 4;
const WARMUP_SHARE = 0.25;
const DIGEST = `sha256:${'d'.repeat(64)}`;

interface Sample {
  heapUsed: number;
  rss: number;
  sockets: number;
}

let registry: Server;
let healthy = true;
let flapper: NodeJS.Timeout;
let child: ChildProcess;
let port = 0;

beforeAll(async () => {
  // A registry that alternates every second between answering and resetting connections.
  registry = createServer((req, res) => {
    if (!healthy) return void req.socket.destroy();
    if (req.url === '/v2/') return void res.writeHead(200).end('{}');
    res
      .writeHead(200, {
        'content-type': 'application/vnd.oci.image.manifest.v1+json',
        'docker-content-digest': DIGEST,
      })
      .end('{}');
  });
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
  flapper = setInterval(() => (healthy = !healthy), 1000);
  const script = join(process.cwd(), 'test/harden/load-server.mjs');
  if (!existsSync(join(process.cwd(), 'dist/server/app.js')))
    throw new Error('dist/ is missing: run `npm run build` first (npm test and npm run harden do)');
  child = fork(script, [`127.0.0.1:${(registry.address() as AddressInfo).port}`], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`load server exited with ${code}`)));
  });
}, 30_000);

afterAll(async () => {
  clearInterval(flapper);
  child?.kill();
  await new Promise<void>((resolve) => registry?.close(() => resolve()));
});

/** Samples at rest: after the load stops and idle keep-alive sockets (4-5 s timeouts) have closed. */
async function sample(): Promise<Sample> {
  await new Promise((resolve) => setTimeout(resolve, 6000));
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as Sample));
    child.send('sample');
  });
}

let counter = 0;
function body(): string {
  // Four in five pods name one of five images (cached after the first probe); the fifth names one
  // of 2,000 tags, rarely seen within the cache TTL, so the prober must ask the flapping registry.
  // A finite pool keeps the caches' entry counts steady after warm-up, so growth means a leak.
  const n = counter++;
  const tag = n % 5 === 4 ? `u${(n * 7919) % 2000}` : `c${n % 5}`;
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `u${n}`,
      operation: 'CREATE',
      namespace: 'team',
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'c', image: `${registryHost()}/app:${tag}` }] },
      },
    },
  });
}

function registryHost(): string {
  return `127.0.0.1:${(registry.address() as AddressInfo).port}`;
}

function load(seconds: number, rate?: number) {
  return autocannon({
    url: `http://127.0.0.1:${port}/validate`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: 16,
    duration: seconds,
    ...(rate ? { overallRate: rate } : {}),
    requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: body() }) }],
  } as autocannon.Options);
}

describe('sustained load', () => {
  it(`holds 80% of the maximum rate for ${SUSTAINED_S} s with flat heap and sockets, no errors`, async () => {
    const max = await load(PROBE_S);
    const rate = Math.max(10, Math.floor(max.requests.average * 0.8));
    const warmup = Math.max(3, Math.round(SUSTAINED_S * WARMUP_SHARE));
    await load(warmup, rate);
    const start = await sample();
    const run = await load(SUSTAINED_S, rate);
    const end = await sample();
    const heapGrowth = (end.heapUsed - start.heapUsed) / start.heapUsed;
    const errors = run.errors + run.non2xx + run.timeouts;
    recordFigure({
      item: '3-load',
      title: 'Sustained load',
      pass: errors === 0 && heapGrowth < 0.05 && end.sockets <= start.sockets + 2,
      table: [
        ['figure', 'value'],
        ['duration s', SUSTAINED_S],
        ['max req/s (measured)', Math.round(max.requests.average)],
        ['target req/s (80%)', rate],
        ['achieved req/s', Math.round(run.requests.average)],
        ['requests', run.requests.total],
        ['p50 / p99 ms', `${run.latency.p50} / ${run.latency.p99}`],
        ['errors / non-2xx / timeouts', `${run.errors} / ${run.non2xx} / ${run.timeouts}`],
        ['heap start / end MB', `${mb(start.heapUsed)} / ${mb(end.heapUsed)} (${pct(heapGrowth)})`],
        ['open sockets start / end', `${start.sockets} / ${end.sockets}`],
      ],
      notes: [
        'images: 80% from five cached tags, 20% from 2,000 tags mostly outside the 2 s cache TTL; the registry flaps every second',
      ],
    });
    expect(errors).toBe(0);
    expect(end.sockets).toBeLessThanOrEqual(start.sockets + 2);
    expect(heapGrowth).toBeLessThan(0.05);
  }, 900_000);
});

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const pct = (share: number) => `${share >= 0 ? '+' : ''}${(share * 100).toFixed(1)}%`;
