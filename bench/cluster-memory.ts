// Heap used by the cluster caches with 5,000 nodes (50 images each, the kubelet's default cap)
// and 20,000 ServiceAccounts, fed through the same sinks list+watch uses. Target: under 150 MB.
// Run alone: node --expose-gc --experimental-strip-types bench/cluster-memory.ts (or the built JS).

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ClusterState } from '../src/cluster/cluster-state.js';

export interface ClusterMemoryResult {
  readonly nodes: number;
  readonly serviceAccounts: number;
  readonly heapUsedMB: number;
  readonly baselineHeapMB: number;
  readonly targetMB: number;
}

function collect(): void {
  setFlagsFromString('--expose-gc');
  const gc = (globalThis as { gc?: () => void }).gc ?? (runInNewContext('gc') as () => void);
  gc();
  gc();
}

function nodeObject(i: number): unknown {
  const images = Array.from({ length: 50 }, (_, k) => {
    const id = (i * 7 + k * 13) % 400; // 400 distinct images spread over the fleet
    return {
      names: [
        `registry.corp.example/team/app-${id}@sha256:${id.toString(16).padStart(64, '0')}`,
        `registry.corp.example/team/app-${id}:v${id}`,
      ],
      sizeBytes: 1_000_000 + id,
    };
  });
  return JSON.parse(
    JSON.stringify({
      metadata: {
        name: `node-${i}`,
        labels: {
          'kubernetes.io/arch': 'amd64',
          'kubernetes.io/os': 'linux',
          'topology.kubernetes.io/zone': `zone-${i % 3}`,
          'kubernetes.io/hostname': `node-${i}`,
        },
        managedFields: [{ manager: 'kubelet', fieldsV1: { 'f:status': {} } }],
      },
      spec: { taints: i % 10 === 0 ? [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] : [] },
      status: {
        nodeInfo: { architecture: 'amd64', operatingSystem: 'linux', kubeletVersion: 'v1.33.0' },
        images,
      },
    }),
  );
}

function serviceAccountObject(i: number): unknown {
  return JSON.parse(
    JSON.stringify({
      metadata: { name: `sa-${i}`, namespace: `ns-${i % 500}`, uid: `uid-${i}`, resourceVersion: String(i) },
      imagePullSecrets: i % 4 === 0 ? [{ name: 'regcred' }] : [],
      secrets: [{ name: `sa-${i}-token` }],
    }),
  );
}

export async function clusterMemoryBenchmark(
  nodes = 5000,
  serviceAccounts = 20_000,
): Promise<ClusterMemoryResult> {
  collect();
  const baseline = process.memoryUsage().heapUsed;
  const state = new ClusterState();
  // Fed in pages like a paged list followed by watch events, so raw objects become garbage as they go.
  const page = 500;
  const nodeItems: unknown[] = [];
  for (let i = 0; i < nodes; i++) nodeItems.push(nodeObject(i));
  state.nodeSink.replace(nodeItems.splice(0, nodeItems.length / 2));
  for (const item of nodeItems.splice(0)) state.nodeSink.upsert(item);
  for (let start = 0; start < serviceAccounts; start += page) {
    const items = Array.from({ length: Math.min(page, serviceAccounts - start) }, (_, k) =>
      serviceAccountObject(start + k),
    );
    if (start === 0) state.serviceAccountSink.replace(items);
    else for (const item of items) state.serviceAccountSink.upsert(item);
  }
  collect();
  const used = process.memoryUsage().heapUsed;
  const counts = state.counts();
  if (counts.nodes !== nodes || counts.serviceAccounts !== serviceAccounts)
    throw new Error('stores not filled');
  // Keep the state alive until after measuring.
  if (state.nodes({})?.candidates.length === 0) throw new Error('no candidates');
  return {
    nodes,
    serviceAccounts,
    heapUsedMB: Math.round(((used - baseline) / 1024 / 1024) * 10) / 10,
    baselineHeapMB: Math.round((baseline / 1024 / 1024) * 10) / 10,
    targetMB: 150,
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const result = await clusterMemoryBenchmark();
  console.log(
    `cluster-memory: ${result.nodes} nodes + ${result.serviceAccounts} ServiceAccounts: heap used by caches ${result.heapUsedMB} MB (baseline ${result.baselineHeapMB} MB, target < ${result.targetMB} MB)`,
  );
}
