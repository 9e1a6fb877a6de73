import { Command, Option } from 'commander';
import { loadConfigFile, DEFAULT_CONFIG } from '../config/load.js';
import { createLogger } from '../logger.js';
import { createApp } from '../server/app.js';
import { startHttpsServer } from '../server/https.js';
import { createAdmissionMetrics } from '../server/metrics.js';
import type { FactSources } from '../core/gather.js';
import { UsageError } from './errors.js';
import { buildServeSources } from './serve-sources.js';
import { addCertOptions, startCertificates, type CertFlags } from './serve-certs.js';

export interface ServeOptions extends CertFlags {
  config?: string;
  port: string;
  host?: string;
  tlsCert?: string;
  tlsKey?: string;
  kubeconfig?: string;
  cluster: boolean;
  watch?: boolean;
}

export function serveCommand(): Command {
  const command = new Command('serve')
    .description(
      'run the admission webhook over HTTPS (POST /validate, /mutate; GET /healthz, /readyz, /metrics)',
    )
    .option('--config <file>', 'policy configuration (YAML or JSON)')
    .addOption(new Option('--port <n>', 'HTTPS port').default('8443'))
    .option('--host <address>', 'address to listen on (all by default)')
    .option('--tls-cert <file>', 'serving certificate (PEM), reloaded when it changes')
    .option('--tls-key <file>', 'serving key (PEM), reloaded when it changes')
    .option('--kubeconfig <file>', 'kubeconfig for cluster facts (default: in-cluster config)')
    .option('--no-cluster', 'run without a Kubernetes API: cluster facts are unknown')
    .option('--watch', 'also run the runtime watcher in this process');
  return addCertOptions(command).action(async (options: ServeOptions) => {
    await serve(options);
  });
}

async function serve(options: ServeOptions): Promise<void> {
  if (!options.tlsCert || !options.tlsKey) throw new UsageError('--tls-cert and --tls-key are both required');
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0-65535, got ${options.port}`);
  const config = options.config ? await loadConfigFile(options.config) : DEFAULT_CONFIG;
  const logger = createLogger(process.env.PULLGUARD_LOG_LEVEL ?? 'info');
  // Self-managed mode writes the certificate files before the server first reads them.
  const certificates = await startCertificates(
    options,
    { certFile: options.tlsCert, keyFile: options.tlsKey },
    logger,
  );
  const metrics = createAdmissionMetrics();
  let draining = false;
  const runtime = await buildServeSources(options, config, logger, metrics.registry);
  const sources: FactSources = runtime.sources;
  const app = createApp({
    config: () => config,
    sources,
    logger,
    metrics,
    ready: () => !draining && runtime.ready(),
    mutateExtensions: runtime.mutateExtensions,
  });
  let running;
  try {
    running = await startHttpsServer(app, {
      port,
      ...(options.host ? { host: options.host } : {}),
      certFile: options.tlsCert,
      keyFile: options.tlsKey,
      logger,
    });
  } catch (error) {
    await runtime.stop();
    await certificates?.stop();
    throw new UsageError(`cannot start HTTPS on port ${port}: ${(error as Error).message}`);
  }
  logger.info({ port: running.port, cluster: options.cluster }, 'pullguard webhook listening');
  const shutdown = async (signal: string) => {
    if (draining) return;
    draining = true;
    logger.info({ signal }, 'draining in-flight requests');
    await running.close();
    await runtime.stop();
    await certificates?.stop();
    logger.info({}, 'stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
