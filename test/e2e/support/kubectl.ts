// kubectl against the testbed, with KUBECONFIG from up.sh. Every call returns what kubectl
// printed, because the tests assert on exactly what a user sees (denials, `Warning:` lines).

import { spawn } from 'node:child_process';
import { readState } from './state.js';

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface KubectlOptions {
  /** Written to kubectl's stdin (e.g. a manifest for `apply -f -`). */
  readonly input?: string;
  /** Resolve with a non-zero code instead of throwing. */
  readonly allowFailure?: boolean;
  readonly timeoutMs?: number;
}

/** The testbed's kubeconfig: from the suite state, or (during global setup) from up.sh's exports. */
export function kubeconfig(): string {
  const state = readState();
  if (state.skip === undefined) return state.testbed.kubeconfig;
  if (process.env.KUBECONFIG) return process.env.KUBECONFIG;
  throw new Error(`e2e suite skipped: ${state.skip}`);
}

export function kubectl(args: readonly string[], options: KubectlOptions = {}): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', args, {
      env: { ...process.env, KUBECONFIG: kubeconfig() },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const result = { code: code ?? -1, stdout, stderr };
      if (result.code !== 0 && !options.allowFailure) {
        reject(new Error(`kubectl ${args.join(' ')} exited ${result.code}: ${stderr.trim()}`));
      } else resolve(result);
    });
    child.stdin.end(options.input ?? '');
  });
}

/** `kubectl apply -f -` of MANIFEST in NAMESPACE; never throws on a denial (check `code`). */
export function apply(
  manifest: string,
  namespace: string,
  options: { readonly dryRun?: 'server' } = {},
): Promise<KubectlResult> {
  const args = ['apply', '-n', namespace, '-f', '-'];
  if (options.dryRun) args.push(`--dry-run=${options.dryRun}`);
  return kubectl(args, { input: manifest, allowFailure: true });
}

/** The object as stored, or undefined when it does not exist. */
export async function getJson<T = Record<string, unknown>>(
  kind: string,
  name: string,
  namespace?: string,
): Promise<T | undefined> {
  const args = ['get', kind, name, '-o', 'json', ...(namespace ? ['-n', namespace] : [])];
  const result = await kubectl(args, { allowFailure: true });
  if (result.code !== 0) {
    if (/NotFound|not found/.test(result.stderr)) return undefined;
    throw new Error(`kubectl ${args.join(' ')}: ${result.stderr.trim()}`);
  }
  return JSON.parse(result.stdout) as T;
}

/** `Warning: ...` lines kubectl printed (admission warnings), without the prefix. */
export function warnings(result: KubectlResult): string[] {
  return result.stderr
    .split('\n')
    .filter((line) => line.startsWith('Warning: '))
    .map((line) => line.slice('Warning: '.length));
}
