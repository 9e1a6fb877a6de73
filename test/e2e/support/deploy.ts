// How pullguard runs for the suite. DEPLOY_MODE is the one switch:
//   host     `pullguard serve --watch` on the host, behind URL-based webhook configurations
//            (webhooks-host.yaml), with certificates from `pullguard certs --ip 127.0.0.1`.
// Tests use only the functions below (stop, start, failure policy, metrics), whatever the mode.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpsGet } from './https-get.js';
import { kubectl } from './kubectl.js';
import type { DeployMode, PullguardDeployment, Testbed } from './state.js';
import { readState } from './state.js';

export const DEPLOY_MODE: DeployMode = 'host';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(HERE, '../../..');
const CLI = join(REPO_ROOT, 'dist/cli.js');
// Host mode's own names: an in-cluster pullguard another engineer deploys on the shared testbed
// manages (and re-signs the caBundle of) the packaged pullguard-validating/-mutating.
export const VALIDATING = 'pullguard-e2e-validating';
export const MUTATING = 'pullguard-e2e-mutating';
/** Namespace of the watcher's Lease and recent-failures ConfigMap (config watch.pullguardNamespace). */
export const PULLGUARD_NAMESPACE = 'pullguard-e2e';

/** Fills `${NAME}` placeholders; a placeholder without a value is an error, not an empty string. */
export function render(template: string, values: Record<string, string>): string {
  return template.replace(/\$\{([A-Z_]+)\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template placeholder \${${key}} has no value`);
    return value;
  });
}

export function renderConfig(testbed: Testbed): string {
  return render(readFileSync(join(HERE, 'pullguard-config.yaml'), 'utf8'), {
    REGISTRY_PLAIN: testbed.registryPlain,
    REGISTRY_TLS: testbed.registryTls,
    TESTBED_CA: testbed.ca,
    PULLGUARD_NAMESPACE,
  });
}

/** Deploys pullguard (global setup). Returns what the tests need to reach and control it. */
export async function deployPullguard(testbed: Testbed, port: number): Promise<PullguardDeployment> {
  const dir = join(testbed.dir, 'e2e-pullguard');
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, renderConfig(testbed));
  await run([CLI, 'certs', '--out', join(dir, 'certs'), '--ip', '127.0.0.1', '--days', '7']);
  await kubectl(['create', 'namespace', PULLGUARD_NAMESPACE], { allowFailure: true });
  const deployment: PullguardDeployment = {
    mode: DEPLOY_MODE,
    url: `https://127.0.0.1:${port}`,
    caFile: join(dir, 'certs/ca.crt'),
    configFile,
    command: [
      process.execPath,
      CLI,
      'serve',
      '--kubeconfig',
      testbed.kubeconfig,
      '--watch',
      '--config',
      configFile,
      '--tls-cert',
      join(dir, 'certs/tls.crt'),
      '--tls-key',
      join(dir, 'certs/tls.key'),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    logFile: join(testbed.dir, 'logs/pullguard.log'),
  };
  await stopHostProcess(dir);
  await startHostProcess(deployment);
  await applyWebhooks(deployment, 'Ignore');
  return deployment;
}

export async function applyWebhooks(deployment: PullguardDeployment, failurePolicy: 'Ignore' | 'Fail') {
  const port = new URL(deployment.url).port;
  const manifest = render(readFileSync(join(HERE, 'webhooks-host.yaml'), 'utf8'), {
    PORT: port,
    CA_BUNDLE: readFileSync(deployment.caFile).toString('base64'),
    FAILURE_POLICY: failurePolicy,
  });
  await kubectl(['apply', '-f', '-'], { input: manifest });
}

/** Removes the webhook configurations and stops the server (global teardown). */
export async function removePullguard(deployment: PullguardDeployment): Promise<void> {
  await kubectl(['delete', 'mutatingwebhookconfiguration', MUTATING, '--ignore-not-found'], {
    allowFailure: true,
  });
  await kubectl(['delete', 'validatingwebhookconfiguration', VALIDATING, '--ignore-not-found'], {
    allowFailure: true,
  });
  await stopHostProcess(dirname(deployment.configFile));
}

// --- what tests call ----------------------------------------------------------------------------

function deployment(): PullguardDeployment {
  const state = readState();
  if (state.skip !== undefined) throw new Error(`e2e suite skipped: ${state.skip}`);
  return state.pullguard;
}

/** Stops the webhook server; the webhook configurations stay (as when the pods are all down). */
export async function stopPullguard(): Promise<void> {
  await stopHostProcess(dirname(deployment().configFile));
}

/** Starts it (again, if it runs) and waits until it is ready. */
export async function startPullguard(): Promise<void> {
  await startHostProcess(deployment());
}

export async function setFailurePolicy(policy: 'Ignore' | 'Fail'): Promise<void> {
  for (const kind of ['mutatingwebhookconfiguration', 'validatingwebhookconfiguration']) {
    const name = kind.startsWith('mutating') ? MUTATING : VALIDATING;
    await kubectl([
      'patch',
      kind,
      name,
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'replace', path: '/webhooks/0/failurePolicy', value: policy }]),
    ]);
  }
}

/** The serving process's Prometheus text (admission, prober, watcher and ledger metrics). */
export async function pullguardMetrics(): Promise<string> {
  const { url, caFile } = deployment();
  const response = await httpsGet(`${url}/metrics`, caFile);
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
  return response.body;
}

// --- host mode ----------------------------------------------------------------------------------

const pidFile = (dir: string) => join(dir, 'pullguard.pid');

async function startHostProcess(deployment: PullguardDeployment): Promise<void> {
  const [command, ...args] = deployment.command ?? [];
  if (!command || !deployment.logFile) throw new Error('host deployment without a command');
  await stopHostProcess(dirname(deployment.configFile)); // start is a restart: never two servers
  mkdirSync(dirname(deployment.logFile), { recursive: true });
  const log = openSync(deployment.logFile, 'a');
  const child = spawn(command, args, {
    detached: true, // outlives the jest worker that started it; stopped by PID
    stdio: ['ignore', log, log],
    env: { ...process.env, PULLGUARD_LOG_LEVEL: process.env.PULLGUARD_LOG_LEVEL ?? 'info' },
  });
  closeSync(log);
  child.unref();
  writeFileSync(pidFile(dirname(deployment.configFile)), String(child.pid));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || !alive(child.pid ?? -1))
      throw new Error(`pullguard exited at start; see ${deployment.logFile}`);
    const ready = await httpsGet(`${deployment.url}/readyz`, deployment.caFile, 1000).catch(() => undefined);
    if (ready?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`pullguard not ready after 30 s; see ${deployment.logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stopHostProcess(dir: string): Promise<void> {
  if (!existsSync(pidFile(dir))) return;
  const pid = Number(readFileSync(pidFile(dir), 'utf8'));
  if (Number.isInteger(pid) && pid > 0 && alive(pid) && isPullguard(pid)) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  writeFileSync(pidFile(dir), '');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return !/^State:\s+Z/m.test(status); // a zombie has stopped serving
  } catch {
    return false;
  }
}

/** The PID file may be stale: only signal a process that is our server. */
function isPullguard(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(CLI);
  } catch {
    return false;
  }
}

function run(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr}`)),
    );
  });
}
