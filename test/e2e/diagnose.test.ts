// `kubectl pullguard diagnose` in the real testbed: failing pods created for real, diagnosed
// through kubectl's plugin mechanism (kubectl-pullguard on PATH), category and fix checked.
// Needs the testbed up (eval "$(test/cluster/up.sh)") and `npm run build`.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
/** Each run starts node and reads the API: seconds on two shared cores. */
const RUN_TIMEOUT_MS = 60_000;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'dist/cli.js');
const env = process.env;
const PLAIN = env.PULLGUARD_REGISTRY_PLAIN ?? '';
const TLS = env.PULLGUARD_REGISTRY_TLS ?? '';
const NS = `diag-e2e-${process.pid}`;
let dir = '';
let pathWithPlugin = '';
let configFile = '';

async function kubectl(args: string[], input?: string): Promise<string> {
  const child = exec('kubectl', args, { env, maxBuffer: 8 << 20 });
  if (input !== undefined) child.child.stdin?.end(input);
  return (await child).stdout;
}

async function pushImage(layout: string, ref: string, tls: boolean): Promise<void> {
  const args = ['copy', '-q', '--retry-times', '2'];
  if (tls) {
    const certs = join(dir, 'certs');
    await exec('mkdir', ['-p', certs]);
    await exec('cp', [env.PULLGUARD_TESTBED_CA ?? '', join(certs, 'ca.crt')]);
    args.push(
      '--dest-cert-dir',
      certs,
      '--dest-creds',
      `${env.PULLGUARD_REGISTRY_USER}:${env.PULLGUARD_REGISTRY_PASS}`,
    );
  } else args.push('--dest-tls-verify=false');
  await exec('skopeo', [...args, `oci:${layout}:1.0`, `docker://${ref}`]);
}

function podYaml(name: string, image: string, extra = '', container = ''): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${NS}}
spec:
  terminationGracePeriodSeconds: 0
${extra}  containers: [{name: app, image: "${image}"${container}}]
---
`;
}

async function waitForReason(pod: string, reasons: RegExp): Promise<void> {
  let last = '';
  for (let i = 0; i < 120; i++) {
    last = await kubectl([
      '-n',
      NS,
      'get',
      'pod',
      pod,
      '-o',
      'jsonpath={.status.containerStatuses[0].state.waiting.reason}',
    ]);
    if (reasons.test(last)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`pod ${pod} never reached ${reasons}: last ${last}`);
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Through kubectl's plugin lookup, exactly as a user types it. */
async function kubectlPullguard(args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await exec('kubectl', ['pullguard', ...args], {
      env: { ...env, PATH: pathWithPlugin },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function diagnoseJson(pod: string) {
  const run = await kubectlPullguard(['diagnose', pod, '-n', NS, '-o', 'json', '--config', configFile]);
  const report = JSON.parse(run.stdout) as {
    pods: Array<{ containers: Array<{ cause: string; category: string; fix: string[]; diagnosis: string }> }>;
  };
  const container = report.pods[0]?.containers[0];
  if (!container) throw new Error(`no diagnosis: ${run.stderr}`);
  return { code: run.code, ...container };
}

beforeAll(async () => {
  if (!env.KUBECONFIG || !PLAIN || !TLS)
    throw new Error('the testbed is not up: eval "$(test/cluster/up.sh)" first');
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: npm run build first');
  dir = await mkdtemp(join(tmpdir(), 'pullguard-diag-e2e-'));
  await symlink(CLI, join(dir, 'kubectl-pullguard'));
  pathWithPlugin = `${dir}:${env.PATH ?? ''}`;
  configFile = join(dir, 'pullguard.yaml');
  await writeFile(
    configFile,
    `registries:\n  - prefix: ${TLS}\n    ca: ${env.PULLGUARD_TESTBED_CA}\n    private: true\n`,
  );
  const layout = join(dir, 'layout');
  await exec('bash', [join(ROOT, 'test/cluster/oci-image.sh'), layout, 'diag/app:1.0']);
  await pushImage(layout, `${PLAIN}/diag-e2e/app:1.0`, false);
  await pushImage(layout, `${TLS}/diag-e2e/private:1.0`, true);
  await kubectl(['create', 'namespace', NS]);
  for (
    let i = 0;
    i < 60 && !(await kubectl(['-n', NS, 'get', 'serviceaccount', '--no-headers']).catch(() => ''));
    i++
  )
    await new Promise((r) => setTimeout(r, 500));
  await kubectl([
    '-n',
    NS,
    'create',
    'secret',
    'docker-registry',
    'wrongpass',
    `--docker-server=${TLS}`,
    '--docker-username=pullguard',
    '--docker-password=not-the-password',
  ]);
  await kubectl(
    ['apply', '-f', '-'],
    podYaml('missing-tag', `${PLAIN}/diag-e2e/app:1.1`) +
      podYaml('no-secret', `${TLS}/diag-e2e/private:1.0`) +
      podYaml('wrong-pass', `${TLS}/diag-e2e/private:1.0`, '  imagePullSecrets: [{name: wrongpass}]\n') +
      podYaml('never', `${PLAIN}/diag-e2e/never:1.0`, '', ', imagePullPolicy: Never') +
      podYaml('healthy', `${PLAIN}/diag-e2e/app:1.0`),
  );
  await Promise.all([
    waitForReason('missing-tag', /ErrImagePull|ImagePullBackOff/),
    waitForReason('no-secret', /ErrImagePull|ImagePullBackOff/),
    waitForReason('wrong-pass', /ErrImagePull|ImagePullBackOff/),
    waitForReason('never', /ErrImageNeverPull/),
  ]);
  await kubectl(['-n', NS, 'wait', '--for=condition=Ready', 'pod/healthy', '--timeout=60s']);
}, 180_000);

afterAll(async () => {
  await kubectl(['delete', 'namespace', NS, '--wait=false']).catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('kubectl pullguard diagnose in the testbed', () => {
  it(
    'missing tag on the plain registry: not found, the existing tag proposed',
    async () => {
      const c = await diagnoseJson('missing-tag');
      expect(c).toMatchObject({ code: 1, cause: 'image-not-found', category: 'not-found' });
      expect(c.fix).toEqual([`kubectl set image pod/missing-tag app=${PLAIN}/diag-e2e/app:1.0 -n ${NS}`]);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'private TLS registry without a secret: credentials needed, the secret to create',
    async () => {
      const c = await diagnoseJson('no-secret');
      expect(c).toMatchObject({ code: 1, cause: 'private-repository', category: 'unauthorized' });
      expect(c.fix[0]).toBe(
        `kubectl create secret docker-registry regcred --docker-server=${TLS} --docker-username=<username> --docker-password=<password> -n ${NS}`,
      );
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'wrong password: the matching secret is refused, replace it',
    async () => {
      const c = await diagnoseJson('wrong-pass');
      expect(c).toMatchObject({ code: 1, cause: 'credentials-rejected', category: 'unauthorized' });
      expect(c.fix[0]).toMatch(
        new RegExp(
          `^kubectl create secret docker-registry wrongpass --docker-server=${TLS} .* --dry-run=client -o yaml \\| kubectl apply -f -$`,
        ),
      );
      expect(JSON.stringify(c)).not.toContain('not-the-password');
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'Never with the image absent from the node: the pull policy change',
    async () => {
      const c = await diagnoseJson('never');
      expect(c).toMatchObject({ code: 1, cause: 'never-pull-absent', category: 'never-pull' });
      expect(c.fix[0]).toContain("sed 's/imagePullPolicy: Never/imagePullPolicy: IfNotPresent/'");
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'a healthy pod exits 0; an absent pod exits 2 with one stderr line',
    async () => {
      expect((await kubectlPullguard(['diagnose', 'healthy', '-n', NS])).code).toBe(0);
      const absent = await kubectlPullguard(['diagnose', 'ghost', '-n', NS]);
      expect(absent.code).toBe(2);
      expect(absent.stderr.trim().split('\n')).toHaveLength(1);
      expect(absent.stderr).toContain(`cannot read pod ${NS}/ghost`);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    '--all lists the four failing pods',
    async () => {
      const run = await kubectlPullguard([
        'diagnose',
        '--all',
        '-n',
        NS,
        '-o',
        'json',
        '--config',
        configFile,
      ]);
      const names = (JSON.parse(run.stdout) as { pods: Array<{ name: string }> }).pods
        .map((p) => p.name)
        .sort();
      expect(names).toEqual(['missing-tag', 'never', 'no-secret', 'wrong-pass']);
      expect(run.code).toBe(1);
    },
    RUN_TIMEOUT_MS,
  );
});
