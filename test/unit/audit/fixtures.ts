// Temporary manifest trees for audit tests, and `pullguard audit` run with captured output.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { auditCommand, type AuditIO, type AuditSourceFactories } from '../../../src/cli/audit.js';

export interface AuditRun {
  stdout: string;
  stderr: string;
  code: number | undefined;
}

/** `pullguard audit ARGS` with its output and exit code captured; `io` and `sources` replace the defaults. */
export async function auditCli(
  args: string[],
  io: Partial<AuditIO> = {},
  sources: AuditSourceFactories = {},
): Promise<AuditRun> {
  const run: AuditRun = { stdout: '', stderr: '', code: undefined };
  const full: AuditIO = {
    stdout: (text) => void (run.stdout += text),
    stderr: (text) => void (run.stderr += text),
    readStdin: () => Promise.resolve(''),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: {},
    cwd: process.cwd(),
    now: () => 0,
    setExitCode: (code) => void (run.code = code),
    ...io,
  };
  await auditCommand({ io: full, sources }).exitOverride().parseAsync(args, { from: 'user' });
  return run;
}

export function writeTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'pullguard-audit-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

export const MIXED = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: app
          image: registry.example/shop/web:1.4.2
        - name: sidecar
          image: nginx
---
apiVersion: v1
kind: Pod
metadata:
  name: broken
spec:
  initContainers:
    - name: init
      image: "Registry.example/UPPER:1"
  containers:
    - name: main
      image: busybox:1.36
      imagePullPolicy: Never
---
apiVersion: batch/v1
kind: Job
metadata:
  name: clean
spec:
  template:
    spec:
      containers:
        - name: run
          image: busybox:1.36
`;

export const BROKEN = `apiVersion: v1
kind: Pod
metadata:
  name: fine
spec:
  containers: [{ name: c, image: "busybox:1.36" }]
---
apiVersion: v1
kind: Pod
metadata: { name: [oops
`;
