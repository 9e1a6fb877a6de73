// The webhook under sustained load, in its own process (the load generator must not share its
// heap or its core): the compiled app from dist/ over plain HTTP on loopback, with the real
// registry prober. Answers `sample` messages on IPC with heap (after a full collection) and the
// number of open sockets. Run with --expose-gc; argv[2] is the flapping registry's host.

import { createServer } from 'node:http';
import { buildConfig } from '../../dist/config/load.js';
import { silentLogger } from '../../dist/logger.js';
import { createRegistryProber } from '../../dist/registry/prober.js';
import { createApp } from '../../dist/server/app.js';
import { createAdmissionMetrics } from '../../dist/server/metrics.js';

const registry = process.argv[2];
const config = buildConfig({
  registries: [{ prefix: registry, insecure: true }],
  budgetMs: 500,
  probe: { timeoutMs: 300, cacheTtlSeconds: 2, negativeCacheTtlSeconds: 1 },
});
const metrics = createAdmissionMetrics();
const prober = createRegistryProber(config, { metrics: metrics.registry });
const server = createServer(
  createApp({ config: () => config, sources: { prober }, logger: silentLogger, metrics, ready: () => true }),
);
server.keepAliveTimeout = 5000;

process.on('message', (message) => {
  if (message !== 'sample') return;
  globalThis.gc?.();
  const sockets = process.getActiveResourcesInfo().filter((kind) => kind === 'TCPSocketWrap').length;
  process.send?.({ heapUsed: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss, sockets });
});

server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
