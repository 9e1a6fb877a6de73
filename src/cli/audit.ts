// `pullguard audit`: reads options, builds the fact sources from the factories it was given,
// runs the audit and writes one output format. All I/O goes through `io`, and the exit code is
// handed to io.setExitCode, so the command runs the same in tests as in a terminal.

import { Command } from 'commander';
import { loadConfigFile, DEFAULT_CONFIG } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { ClusterView, FailureHistory, RegistryProber } from '../core/gather.js';
import { formatJson } from '../audit/format-json.js';
import { formatJunit } from '../audit/format-junit.js';
import { formatSarif } from '../audit/format-sarif.js';
import { formatText } from '../audit/format-text.js';
import { readStream } from '../audit/inputs.js';
import { auditExitCode, describeProblem, type AuditReport, type FailOn } from '../audit/report.js';
import { runAudit, type AuditDependencies, type ManifestViewFactory } from '../audit/run.js';
import { defaultAuditSources } from './audit-sources.js';
import { UsageError } from './errors.js';

export interface AuditIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Promise<string>;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly now: () => number;
  readonly setExitCode: (code: number) => void;
}

export interface SourceRequest {
  readonly config: Config;
  /** --docker-config: credentials for probing only; they never count as the pod's pull secrets. */
  readonly dockerConfigPath?: string;
}

/** How the CLI obtains fact sources; a missing factory makes its flag fail with exit 2. */
export interface AuditSourceFactories {
  readonly registry?: (request: SourceRequest) => Promise<RegistryProber> | RegistryProber;
  readonly cluster?: (request: SourceRequest) => Promise<ClusterView> | ClusterView;
  readonly history?: FailureHistory;
  readonly manifestView?: ManifestViewFactory;
  readonly toolVersion?: string;
  /** Releases what the factories opened (connection pools), so the process can exit. */
  readonly close?: () => Promise<void>;
}

const OUTPUTS = ['text', 'json', 'sarif', 'junit'] as const;
type OutputFormat = (typeof OUTPUTS)[number];
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;
const PROGRESS_AFTER_MS = 1000;

interface RawOptions {
  filename?: string[];
  config?: string;
  registry?: boolean;
  cluster?: boolean;
  dockerConfig?: string;
  platform?: string;
  output: string;
  failOn: string;
}

export function processIO(): AuditIO {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: () => readStream(process.stdin),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    now: () => performance.now(),
    setExitCode: (code) => {
      process.exitCode = code;
    },
  };
}

export function auditCommand(options: { io?: AuditIO; sources?: AuditSourceFactories } = {}): Command {
  const io = options.io ?? processIO();
  const sources = options.sources ?? defaultAuditSources();
  return new Command('audit')
    .description('check manifests with the same rules as the webhook (for CI)')
    .option('-f, --filename <path>', 'file, directory (recursive) or - for stdin; repeatable', collect)
    .option('--config <file>', 'configuration file (YAML or JSON)')
    .option('--registry', 'probe registries for the images')
    .option('--cluster', 'read Secrets, ServiceAccounts and Nodes from the current kubeconfig context')
    .option('--docker-config <file>', 'registry credentials for probing, as in ~/.docker/config.json')
    .option(
      '--platform <os/arch>',
      'node platform assumed when no node facts are known (default linux/amd64)',
    )
    .option('-o, --output <format>', `output format: ${OUTPUTS.join(', ')}`, 'text')
    .option('--fail-on <level>', 'exit 1 on findings at this level or above: deny or warn', 'deny')
    .addHelpText(
      'after',
      '\nExit codes: 0 clean or warnings only, 1 deny findings (or warnings with --fail-on warn), 2 bad usage or input.',
    )
    .action(async (raw: RawOptions) => {
      try {
        io.setExitCode(await execute(raw, io, sources));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        io.stderr(`pullguard audit: ${message}\n`);
        io.setExitCode(2);
      }
    });
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

async function execute(raw: RawOptions, io: AuditIO, sources: AuditSourceFactories): Promise<number> {
  const paths = raw.filename ?? [];
  if (paths.length === 0) throw new UsageError('no input: pass -f FILE, -f DIR or -f - (stdin)');
  const output = raw.output as OutputFormat;
  if (!OUTPUTS.includes(output))
    throw new UsageError(`--output must be one of ${OUTPUTS.join(', ')}, not "${raw.output}"`);
  if (raw.failOn !== 'deny' && raw.failOn !== 'warn')
    throw new UsageError(`--fail-on must be deny or warn, not "${raw.failOn}"`);
  if (raw.platform !== undefined && !PLATFORM.test(raw.platform)) {
    throw new UsageError(
      `--platform must look like os/arch or os/arch/variant (linux/arm64), not "${raw.platform}"`,
    );
  }
  let config = raw.config ? await loadConfigFile(raw.config) : DEFAULT_CONFIG;
  if (raw.platform) config = Object.freeze({ ...config, platform: raw.platform });
  try {
    return await audit(raw, io, sources, paths, output, config);
  } finally {
    await sources.close?.();
  }
}

async function audit(
  raw: RawOptions,
  io: AuditIO,
  sources: AuditSourceFactories,
  paths: readonly string[],
  output: OutputFormat,
  config: Config,
): Promise<number> {
  const deps = await buildDependencies(raw, config, sources);

  const started = io.now();
  let progressShown = false;
  const onProgress = io.stderrIsTTY
    ? (done: number, total: number) => {
        if (io.now() - started < PROGRESS_AFTER_MS) return;
        progressShown = true;
        io.stderr(`\r\u001b[Kpullguard audit: ${done}/${total} resources`);
      }
    : undefined;
  const report = await runAudit(
    { paths, config, readStdin: io.readStdin, ...(onProgress ? { onProgress } : {}) },
    deps,
  );
  if (progressShown) io.stderr('\r\u001b[K');

  io.stdout(render(report, output, io, sources.toolVersion));
  for (const note of report.notes) io.stderr(`pullguard audit: note: ${note}\n`);
  for (const problem of report.problems) io.stderr(`pullguard audit: ${describeProblem(problem)}\n`);
  return auditExitCode(report, raw.failOn as FailOn);
}

async function buildDependencies(
  raw: RawOptions,
  config: Config,
  sources: AuditSourceFactories,
): Promise<AuditDependencies> {
  const request: SourceRequest = {
    config,
    ...(raw.dockerConfig ? { dockerConfigPath: raw.dockerConfig } : {}),
  };
  if (raw.registry && !sources.registry) throw new UsageError('--registry is not available in this build');
  if (raw.cluster && !sources.cluster) throw new UsageError('--cluster is not available in this build');
  const prober = raw.registry && sources.registry ? await sources.registry(request) : undefined;
  const cluster = raw.cluster && sources.cluster ? await sources.cluster(request) : undefined;
  return {
    ...(prober ? { prober } : {}),
    ...(cluster ? { cluster } : {}),
    ...(sources.history ? { history: sources.history } : {}),
    ...(sources.manifestView ? { manifestView: sources.manifestView } : {}),
  };
}

function render(
  report: AuditReport,
  output: OutputFormat,
  io: AuditIO,
  toolVersion: string | undefined,
): string {
  switch (output) {
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report, { baseDir: io.cwd, ...(toolVersion ? { toolVersion } : {}) });
    case 'junit':
      return formatJunit(report);
    case 'text': {
      // https://no-color.org: any non-empty NO_COLOR turns colour off.
      const noColor = (io.env.NO_COLOR ?? '') !== '';
      return formatText(report, { color: io.stdoutIsTTY && !noColor });
    }
  }
}
