// `pullguard watch`: the runtime watcher. With --report, a one-shot: list pods and their events
// once, replay them through the same pipeline, and print the ledger and recent failures.

import { hostname } from 'node:os';
import { Command, Option } from 'commander';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_CONFIG, loadConfigFile } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { reportJson, reportText } from '../watch/report.js';
import { buildPipeline, runLeaderWatcher } from '../watch/run.js';
import { POD_EVENTS_SELECTOR } from '../watch/watcher.js';

interface WatchFlags {
  kubeconfig?: string;
  config?: string;
  report?: boolean;
  output: 'text' | 'json';
  namespace: string[];
}

export function watchCommand(): Command {
  return new Command('watch')
    .description(
      'follow image pulls on the cluster, join outcomes with admission predictions, publish recent failures',
    )
    .option('--kubeconfig <file>', 'kubeconfig file (default: in-cluster or $KUBECONFIG)')
    .option('--config <file>', 'pullguard configuration (YAML or JSON)')
    .option('--report', 'list pods and events once and print the prediction ledger and recent failures')
    .addOption(new Option('--output <format>', 'report format').choices(['text', 'json']).default('text'))
    .option(
      '--namespace <name>',
      'namespace to watch (repeatable; default: config watch.namespaces, else all)',
      collect,
      [],
    )
    .action(async (flags: WatchFlags) => {
      let config: Config;
      try {
        config = flags.config ? await loadConfigFile(flags.config) : DEFAULT_CONFIG;
      } catch (error) {
        process.stderr.write(`${(error as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      const namespaces = flags.namespace.length > 0 ? flags.namespace : [...config.watch.namespaces];
      const kubeConfig = new KubeConfig();
      try {
        if (flags.kubeconfig) kubeConfig.loadFromFile(flags.kubeconfig);
        else kubeConfig.loadFromDefault();
      } catch (error) {
        process.stderr.write(`${flags.kubeconfig ?? 'kubeconfig'}: ${(error as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      if (flags.report) {
        process.exitCode = await printReport(kubeConfig, config, namespaces, flags.output);
        return;
      }
      const watcher = runLeaderWatcher({
        kubeConfig,
        config: { ...config, watch: { ...config.watch, namespaces } },
        identity: `${hostname()}-${process.pid}`,
        onError: (error, what) => process.stderr.write(`watch ${what}: ${describe(error)}\n`),
        log: (message) => process.stderr.write(`${message}\n`),
      });
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await watcher.stop();
    });
}

async function printReport(
  kubeConfig: KubeConfig,
  config: Config,
  namespaces: readonly string[],
  output: 'text' | 'json',
): Promise<number> {
  const api = kubeConfig.makeApiClient(CoreV1Api);
  const { ledger, history, pipeline } = buildPipeline(config, Date.now);
  try {
    for (const namespace of namespaces.length === 0 ? [undefined] : namespaces) {
      const pods =
        namespace === undefined
          ? await api.listPodForAllNamespaces()
          : await api.listNamespacedPod({ namespace });
      const events =
        namespace === undefined
          ? await api.listEventForAllNamespaces({ fieldSelector: POD_EVENTS_SELECTOR })
          : await api.listNamespacedEvent({ namespace, fieldSelector: POD_EVENTS_SELECTOR });
      for (const pod of pods.items) pipeline.podAdded(pod);
      for (const event of events.items) pipeline.event(event);
    }
  } catch (error) {
    process.stderr.write(`cannot read pods and events: ${describe(error)}\n`);
    return 2;
  }
  const report = {
    ledger: ledger.summary(),
    recentFailures: history.snapshot(),
    trackedPods: pipeline.tracker.size,
  };
  process.stdout.write(output === 'json' ? reportJson(report) : reportText(report));
  return 0;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Error text without response bodies or headers (they may carry tokens). */
function describe(error: unknown): string {
  if (
    error &&
    typeof error === 'object' &&
    'code' in error &&
    typeof (error as { code: unknown }).code === 'number'
  ) {
    return `HTTP ${(error as { code: number }).code}`;
  }
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
}
