// pullguard's real app and HTTPS server. Without a config file: every rule on, no cluster or
// registry (offline facts). With one (third argument, JSON): that config and a real registry prober.

import { readFileSync } from 'node:fs';
import { DEFAULT_CONFIG, buildConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/logger.js';
import { createRegistryProber } from '../../src/registry/prober.js';
import { createApp } from '../../src/server/app.js';
import { startHttpsServer } from '../../src/server/https.js';
import { createAdmissionMetrics } from '../../src/server/metrics.js';

const [certFile, keyFile, configFile] = process.argv.slice(2);
const config = configFile
  ? buildConfig(JSON.parse(readFileSync(configFile, 'utf8')), configFile)
  : DEFAULT_CONFIG;
const metrics = createAdmissionMetrics();
const app = createApp({
  config: () => config,
  sources: configFile ? { prober: createRegistryProber(config, { metrics: metrics.registry }) } : {},
  logger: silentLogger,
  metrics,
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
