// pullguard's real app and HTTPS server, every rule on, no cluster or registry (offline facts).

import { DEFAULT_CONFIG } from '../../src/config/load.js';
import { silentLogger } from '../../src/logger.js';
import { createApp } from '../../src/server/app.js';
import { startHttpsServer } from '../../src/server/https.js';
import { createAdmissionMetrics } from '../../src/server/metrics.js';

const [certFile, keyFile] = process.argv.slice(2);
// Every rule is on by default; the offline ones do the work here since no facts are reachable.
const config = DEFAULT_CONFIG;
const app = createApp({
  config: () => config,
  sources: {},
  logger: silentLogger,
  metrics: createAdmissionMetrics(),
  ready: () => true,
});
const running = await startHttpsServer(app, {
  port: 0,
  host: '127.0.0.1',
  certFile: certFile ?? '',
  keyFile: keyFile ?? '',
  logger: silentLogger,
});
process.stdout.write(`${running.port}\n`);

// Exit cleanly so profilers (--cpu-prof) can write their output.
process.on('SIGINT', () => process.exit(0));
