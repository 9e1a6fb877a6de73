// `pullguard diagnose POD [-n NS]` / `-n NS --all`: explains pods stuck on their images.
// Exit 0 when every image is pulled or pulling normally, 1 when a problem was diagnosed, 2 when
// the pod cannot be read (or bad usage), with one line on stderr.

import { Command } from 'commander';
import { DEFAULT_CONFIG, loadConfigFile } from '../config/load.js';
import {
  contextNamespace,
  kubeDiagnoseCluster,
  loadKubeconfig,
  PodUnreadableError,
  type DiagnoseCluster,
} from '../diagnose/cluster.js';
import { formatJson, formatText } from '../diagnose/format.js';
import type { RegistryInspector } from '../diagnose/inspector.js';
import { createLiveInspector, withPodRegistries } from '../diagnose/live-inspector.js';
import { runDiagnose } from '../diagnose/run.js';
import type { Config } from '../config/schema.js';
import type { ImageReference } from '../image/reference.js';
import { EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK } from './errors.js';

export interface DiagnoseIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly setExitCode: (code: number) => void;
}

export interface DiagnoseSources {
  /** The cluster and the namespace kubectl would default to. */
  readonly cluster: (options: { kubeconfig?: string; context?: string }) => {
    cluster: DiagnoseCluster;
    namespace: string;
  };
  readonly inspector: (config: Config, refs: readonly ImageReference[]) => RegistryInspector;
}

interface RawOptions {
  namespace?: string;
  all?: boolean;
  output: string;
  kubeconfig?: string;
  context?: string;
  config?: string;
}

export function defaultDiagnoseSources(): DiagnoseSources {
  return {
    cluster: (options) => {
      const kubeconfig = loadKubeconfig(options);
      return { cluster: kubeDiagnoseCluster(kubeconfig), namespace: contextNamespace(kubeconfig) };
    },
    inspector: (config, refs) => createLiveInspector(withPodRegistries(config, refs)),
  };
}

const processIO: DiagnoseIO = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

export function diagnoseCommand(options: { io?: DiagnoseIO; sources?: DiagnoseSources } = {}): Command {
  const io = options.io ?? processIO;
  const sources = options.sources ?? defaultDiagnoseSources();
  return new Command('diagnose')
    .description('explain a pod stuck on its image: state, evidence, root cause and the fix')
    .argument('[pod]', 'pod name')
    .option('-n, --namespace <ns>', 'namespace (default: the kubeconfig context namespace)')
    .option('-A, --all', 'every pod of the namespace with an image problem')
    .option('-o, --output <format>', 'text or json', 'text')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--context <name>', 'kubeconfig context')
    .option('--config <file>', 'pullguard configuration (registry CA, insecure, pullSecret names)')
    .addHelpText(
      'after',
      '\nExit codes: 0 every image pulled or pulling normally, 1 a problem was diagnosed, 2 the pod cannot be read or bad usage.',
    )
    .action(async (pod: string | undefined, raw: RawOptions) => {
      try {
        io.setExitCode(await execute(pod, raw, io, sources));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        io.stderr(`pullguard diagnose: ${message.split('\n')[0]}\n`);
        io.setExitCode(EXIT_BAD_INPUT);
      }
    });
}

async function execute(
  pod: string | undefined,
  raw: RawOptions,
  io: DiagnoseIO,
  sources: DiagnoseSources,
): Promise<number> {
  if (raw.output !== 'text' && raw.output !== 'json')
    throw new Error(`--output must be text or json, not "${raw.output}"`);
  if (pod && raw.all) throw new Error('pass a pod name or --all, not both');
  if (!pod && !raw.all) throw new Error('pass a pod name, or -n NAMESPACE --all');
  const config = raw.config ? await loadConfigFile(raw.config) : DEFAULT_CONFIG;
  let connected: ReturnType<DiagnoseSources['cluster']>;
  try {
    connected = sources.cluster({
      ...(raw.kubeconfig ? { kubeconfig: raw.kubeconfig } : {}),
      ...(raw.context ? { context: raw.context } : {}),
    });
  } catch (error) {
    throw new PodUnreadableError(`cannot load the kubeconfig: ${(error as Error).message}`);
  }
  const namespace = raw.namespace ?? connected.namespace;
  const report = await runDiagnose(
    {
      cluster: connected.cluster,
      inspector: (refs) => sources.inspector(config, refs),
      config,
      now: Date.now,
    },
    namespace,
    pod ? { pod } : { all: true },
  );
  io.stdout(raw.output === 'json' ? formatJson(report) : formatText(report));
  return report.problems > 0 ? EXIT_FINDINGS : EXIT_OK;
}
