// `pullguard audit --registry` against the real test registries: what CI sees before the cluster
// does, with the pod's own secrets from the manifests, and CI's own credentials via --docker-config.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { stringify } from 'yaml';
import { auditCommand, processIO, type AuditIO } from '../../../src/cli/audit.js';
import { defaultAuditSources } from '../../../src/cli/audit-sources.js';
import { BASIC_USER, startTestRegistries, type TestRegistries } from '../../support/registries/index.js';

let registries: TestRegistries;
let dir: string;

beforeAll(async () => {
  registries = await startTestRegistries();
  dir = mkdtempSync(join(tmpdir(), 'pullguard-audit-registry-'));
  writeFileSync(
    join(dir, 'config.yaml'),
    stringify({
      registries: [
        { prefix: registries.plain.host, insecure: true },
        { prefix: registries.basic.host, ca: registries.caCert },
      ],
    }),
  );
}, 120_000);

afterAll(async () => registries?.stop());

function dockerConfig(host: string, username: string, password: string): string {
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  return JSON.stringify({ auths: { [host]: { auth } } });
}

function pod(name: string, image: string, secret?: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'team' },
    spec: {
      ...(secret ? { imagePullSecrets: [{ name: secret }] } : {}),
      containers: [{ name: 'app', image }],
    },
  };
}

function secret(name: string, host: string, password: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'team' },
    type: 'kubernetes.io/dockerconfigjson',
    data: {
      '.dockerconfigjson': Buffer.from(dockerConfig(host, BASIC_USER.username, password)).toString('base64'),
    },
  };
}

async function audit(
  args: string[],
): Promise<{ code: number; json: { findings: Array<Record<string, string>> }; stderr: string }> {
  let stdout = '';
  let stderr = '';
  let code = -1;
  const io: AuditIO = {
    ...processIO(),
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    setExitCode: (value) => void (code = value),
    stdoutIsTTY: false,
    stderrIsTTY: false,
  };
  await auditCommand({ io, sources: defaultAuditSources() }).parseAsync(args, { from: 'user' });
  return { code, json: stdout ? JSON.parse(stdout) : { findings: [] }, stderr };
}

/** The namespace's default ServiceAccount, with no pull secrets: without it the pod's secrets are unknown. */
const defaultServiceAccount = {
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name: 'default', namespace: 'team' },
};

function rulesByPod(findings: Array<Record<string, string>>): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const finding of findings)
    (result[finding.name ?? ''] ??= []).push(`${finding.rule}:${finding.action}`);
  return result;
}

describe('audit --registry against real registries', () => {
  it('reports missing tags, missing and rejected credentials, and arm64-only images; good images pass', async () => {
    // Without the ServiceAccount in the manifests, a pod without secrets could inherit some: unknown, so warn.
    writeFileSync(
      join(dir, 'unknown-sa.yaml'),
      stringify(pod('no-secret', `${registries.basic.host}/app/normal:1.0`)),
    );
    const unknown = await audit([
      '-f',
      join(dir, 'unknown-sa.yaml'),
      '--registry',
      '--config',
      join(dir, 'config.yaml'),
      '-o',
      'json',
    ]);
    expect(rulesByPod(unknown.json.findings)).toEqual({ 'no-secret': ['pull-secret-missing:warn'] });

    const plain = registries.plain.host;
    const basic = registries.basic.host;
    const manifests = [
      pod('good', `${plain}/app/normal:1.0`),
      pod('missing-tag', `${plain}/app/normal:9.9`),
      pod('arm-only', `${plain}/app/arm-oci:1.0`),
      pod('no-secret', `${basic}/app/normal:1.0`),
      pod('wrong-password', `${basic}/app/normal:1.0`, 'wrong'),
      pod('right-password', `${basic}/app/normal:1.0`, 'right'),
      secret('wrong', basic, 'not-the-password'),
      secret('right', basic, BASIC_USER.password),
      defaultServiceAccount,
    ];
    writeFileSync(join(dir, 'pods.yaml'), manifests.map((m) => stringify(m)).join('---\n'));
    const result = await audit([
      '-f',
      join(dir, 'pods.yaml'),
      '--registry',
      '--config',
      join(dir, 'config.yaml'),
      '-o',
      'json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(rulesByPod(result.json.findings)).toEqual({
      'missing-tag': ['image-not-found:deny'],
      'arm-only': ['platform-unavailable:deny'],
      'no-secret': ['pull-secret-missing:deny'],
      'wrong-password': ['pull-credentials-rejected:deny'],
    });
    const rejected = result.json.findings.find((f) => f.rule === 'pull-credentials-rejected');
    expect(rejected?.message).toContain('"wrong"');
    expect(JSON.stringify(result.json)).not.toContain('not-the-password');
  }, 60_000);

  it("CI's own credentials (--docker-config) show the image exists but never satisfy pull-secret-missing", async () => {
    const basic = registries.basic.host;
    writeFileSync(
      join(dir, 'ci.yaml'),
      [
        pod('exists', `${basic}/app/normal:1.0`),
        pod('absent', `${basic}/app/normal:9.9`),
        defaultServiceAccount,
      ]
        .map((m) => stringify(m))
        .join('---\n'),
    );
    writeFileSync(
      join(dir, 'docker-config.json'),
      dockerConfig(basic, BASIC_USER.username, BASIC_USER.password),
    );
    const result = await audit([
      '-f',
      join(dir, 'ci.yaml'),
      '--registry',
      '--docker-config',
      join(dir, 'docker-config.json'),
      '--config',
      join(dir, 'config.yaml'),
      '-o',
      'json',
    ]);
    expect(rulesByPod(result.json.findings)).toEqual({
      exists: ['pull-secret-missing:deny'],
      absent: ['pull-secret-missing:deny', 'image-not-found:deny'],
    });
  }, 60_000);

  it('an unreadable --docker-config is bad input (exit 2, one line)', async () => {
    const result = await audit([
      '-f',
      join(dir, 'ci.yaml'),
      '--registry',
      '--docker-config',
      join(dir, 'nope.json'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/nope\.json: cannot read: ENOENT/);
  });
});
