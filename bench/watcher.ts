// Replays 10,000 pods and 100,000 kubelet events through the watcher pipeline (no network) and
// reports events per second and peak heap. The baseline in the same run is the cost of making and
// JSON round-tripping the same objects (what an informer does before the pipeline sees them), so
// the ratio is comparable across machines. Targets: >= 20,000 events/s, heap < 200 MB.
// Run alone: npx tsc -p bench/tsconfig.json && node --expose-gc dist/bench/bench/watcher.js

import { pathToFileURL } from 'node:url';
import { Registry } from 'prom-client';
import { DEFAULT_CONFIG } from '../src/config/load.js';
import { buildPipeline } from '../src/watch/run.js';

const T0 = Date.parse('2025-06-01T10:00:00Z');

export interface WatcherBenchResult {
  readonly pods: number;
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly baselineEventsPerSecond: number;
  readonly ratioToBaseline: number;
  readonly peakHeapMB: number;
  readonly ledgerTotal: number;
  readonly meetsTargets: boolean;
}

/** One pod's recorded life: statuses and events in kubelet order, ~10 events per pod. */
function* podLife(
  i: number,
): Generator<{ kind: 'pod' | 'event' | 'delete'; object: Record<string, unknown> }> {
  const uid = `uid-${i}`;
  const name = `web-${i}`;
  const namespace = `ns-${i % 50}`;
  const image =
    i % 10 === 0
      ? `registry.example/team/missing-${i % 200}:1`
      : `registry.example/team/app-${i % 300}:1.${i % 7}`;
  const failing = i % 10 === 0;
  const cached = i % 10 === 1;
  const prediction = JSON.stringify({
    v: 1,
    c: { app: failing ? 'not-found' : i % 3 === 0 ? 'unknown' : 'ok' },
  });
  const pod = (state: Record<string, unknown> | undefined) => ({
    kind: 'Pod',
    metadata: { uid, name, namespace, annotations: { 'pullguard.dev/prediction': prediction } },
    spec: { containers: [{ name: 'app', image }] },
    status: { containerStatuses: state ? [{ name: 'app', image, state }] : [] },
  });
  let n = 0;
  const event = (reason: string, message: string, at: number, count = 1, key = reason) => ({
    kind: 'Event',
    metadata: { name: `${name}.${key}`, namespace, uid: `${uid}-e${(n += 1)}` },
    involvedObject: { kind: 'Pod', name, namespace, uid, fieldPath: 'spec.containers{app}' },
    reason,
    message,
    count,
    lastTimestamp: new Date(T0 + at * 1000).toISOString(),
  });
  const base = i % 3600;
  yield { kind: 'pod', object: pod(undefined) };
  yield { kind: 'event', object: event('Scheduled', `Successfully assigned ${namespace}/${name}`, base) };
  if (cached) {
    yield {
      kind: 'event',
      object: event('Pulled', `Container image "${image}" already present on machine`, base + 1),
    };
  } else if (!failing) {
    yield { kind: 'event', object: event('Pulling', `Pulling image "${image}"`, base + 1) };
    yield {
      kind: 'event',
      object: event(
        'Pulled',
        `Successfully pulled image "${image}" in 1.2s (1.3s including waiting). Image size: 4194304 bytes.`,
        base + 2,
      ),
    };
  }
  if (!failing) {
    yield { kind: 'event', object: event('Created', 'Created container app', base + 3) };
    yield { kind: 'event', object: event('Started', 'Started container app', base + 3) };
    yield { kind: 'pod', object: pod({ running: { startedAt: new Date(T0).toISOString() } }) };
    for (let k = 0; k < (cached ? 6 : 5); k += 1)
      yield { kind: 'event', object: event('Unhealthy', 'Readiness probe failed', base + 10 + k, k + 1) };
    if (i % 4 === 0) yield { kind: 'delete', object: pod({ running: {} }) };
    return;
  }
  const error = `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`;
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const at = base + 10 * 2 ** attempt;
    yield { kind: 'event', object: event('Pulling', `Pulling image "${image}"`, at, attempt) };
    yield {
      kind: 'event',
      object: event('Failed', `Failed to pull image "${image}": ${error}`, at + 1, attempt, 'failed'),
    };
    yield { kind: 'event', object: event('BackOff', `Back-off pulling image "${image}"`, at + 2, attempt) };
  }
  yield {
    kind: 'pod',
    object: pod({ waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } }),
  };
}

function* replay(
  pods: number,
  events: number,
): Generator<{ kind: 'pod' | 'event' | 'delete'; object: Record<string, unknown> }> {
  let sent = 0;
  for (let round = 0; sent < events; round += 1) {
    for (let i = 0; i < pods && sent < events; i += 1) {
      for (const item of podLife(i + round * pods)) {
        if (item.kind === 'event') {
          if (sent >= events) break;
          sent += 1;
        }
        yield item;
      }
    }
  }
}

export async function runWatcherBench(pods = 10_000, events = 100_000): Promise<WatcherBenchResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  // Baseline: make and JSON round-trip every object, as an informer's deserialisation would.
  let start = process.hrtime.bigint();
  let sink = 0;
  for (const item of replay(pods, events))
    sink += (JSON.parse(JSON.stringify(item.object)) as object) ? 1 : 0;
  const baselineSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  gc?.();

  let now = T0;
  const { pipeline, ledger } = buildPipeline(
    { ...DEFAULT_CONFIG, watch: { ...DEFAULT_CONFIG.watch, maxTrackedPods: pods * 2 } },
    () => now,
    new Registry(),
  );
  let peak = process.memoryUsage().heapUsed;
  let handled = 0;
  start = process.hrtime.bigint();
  for (const item of replay(pods, events)) {
    const object = JSON.parse(JSON.stringify(item.object)) as Record<string, unknown>;
    if (item.kind === 'pod') pipeline.podAdded(object);
    else if (item.kind === 'delete') pipeline.podDeleted(object);
    else {
      pipeline.event(object);
      handled += 1;
      if (handled % 5000 === 0) {
        now += 30_000;
        pipeline.sweep();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  const eventsPerSecond = Math.round(handled / seconds);
  const baselineEventsPerSecond = Math.round(events / baselineSeconds);
  const peakHeapMB = Math.round((peak / 1024 / 1024) * 10) / 10;
  if (sink < 0) throw new Error('unreachable');
  return {
    pods,
    events: handled,
    eventsPerSecond,
    baselineEventsPerSecond,
    ratioToBaseline: Math.round((eventsPerSecond / baselineEventsPerSecond) * 100) / 100,
    peakHeapMB,
    ledgerTotal: ledger.summary().total,
    meetsTargets: eventsPerSecond >= 20_000 && peakHeapMB < 200,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runWatcherBench();
  console.log(`watcher: ${result.events} events over ${result.pods} pods`);
  console.log(
    `  ${result.eventsPerSecond} events/s (baseline JSON round-trip ${result.baselineEventsPerSecond}/s, ratio ${result.ratioToBaseline})`,
  );
  console.log(`  peak heap ${result.peakHeapMB} MB; ledger joined ${result.ledgerTotal} containers`);
  console.log(`  targets (>= 20000 events/s, < 200 MB): ${result.meetsTargets ? 'met' : 'NOT met'}`);
}
