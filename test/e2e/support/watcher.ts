// What pullguard's watcher says about pods: its PullguardDiagnosis events (state and category per
// container), the one-shot ledger report of `pullguard watch --report`, and the prediction
// annotation the mutating webhook wrote.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './deploy.js';
import { kubeconfig, kubectl } from './kubectl.js';
import { readState } from './state.js';

export const PREDICTION_ANNOTATION = 'pullguard.dev/prediction';

/** The per-container predictions recorded at admission, e.g. { app: 'not-found' }. */
export function predictionOf(pod: {
  metadata: { annotations?: Record<string, string> };
}): Record<string, string> {
  const text = pod.metadata.annotations?.[PREDICTION_ANNOTATION];
  if (!text) return {};
  return (JSON.parse(text) as { c: Record<string, string> }).c;
}

export interface Diagnosis {
  readonly container: string;
  readonly image: string;
  /** The watcher's image state (a kubelet waiting reason such as ErrImagePull). */
  readonly state: string;
  /** The shared failure category (PullOutcome). */
  readonly outcome: string;
  readonly note: string;
}

/** The watcher's diagnosis events on POD (the note reads `container "c" image "i": STATE (OUTCOME)...`). */
export async function diagnoses(namespace: string, pod: string): Promise<Diagnosis[]> {
  const result = await kubectl([
    'get',
    'events',
    '-n',
    namespace,
    '--field-selector',
    `reason=PullguardDiagnosis,involvedObject.name=${pod}`,
    '-o',
    'json',
  ]);
  const items = (JSON.parse(result.stdout) as { items: { message?: string }[] }).items;
  return items.flatMap(({ message = '' }) => {
    const match = /^container "([^"]*)" image "([^"]*)": (\w+) \(([a-z-]+)\)/.exec(message);
    return match
      ? [{ container: match[1]!, image: match[2]!, state: match[3]!, outcome: match[4]!, note: message }]
      : [];
  });
}

export interface LedgerRow {
  readonly predicted: string;
  readonly actual: string;
  readonly join: string;
  readonly count: number;
}

export interface WatchReport {
  readonly ledger: { readonly total: number; readonly rows: readonly LedgerRow[] };
  readonly recentFailures: readonly { image: string; outcome: string; reason: string }[];
}

/** `pullguard watch --report --output json --namespace NS`: the ledger replayed from pods and events. */
export function watchReport(namespace: string): Promise<WatchReport> {
  const state = readState();
  const args = [join(REPO_ROOT, 'dist/cli.js'), 'watch', '--report', '--output', 'json'];
  args.push('--kubeconfig', kubeconfig(), '--namespace', namespace);
  if (state.skip === undefined) args.push('--config', state.pullguard.configFile);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout) as WatchReport)
        : reject(new Error(`pullguard watch --report exited ${code}: ${stderr.trim()}`)),
    );
  });
}

/** The value of one sample of a Prometheus text exposition, or 0 when absent. */
export function metricValue(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.lastIndexOf('}'));
    const found = Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value))
      return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}
