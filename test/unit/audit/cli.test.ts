import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { AuditSourceFactories } from '../../../src/cli/audit.js';
import type { RegistryProber } from '../../../src/core/gather.js';
import { BROKEN, MIXED, auditCli, writeTree } from './fixtures.js';

const CLEAN =
  'apiVersion: v1\nkind: Pod\nmetadata: {name: ok}\nspec:\n  containers: [{name: c, image: "busybox:1.36"}]\n';
const WARN_ONLY = CLEAN.replace('busybox:1.36', 'busybox');

describe('pullguard audit exit codes', () => {
  it('0 when clean, with a summary line', async () => {
    const root = writeTree({ 'ok.yaml': CLEAN });
    const run = await auditCli(['-f', root]);
    expect(run).toEqual({ stdout: '1 resource audited, 0 deny, 0 warn\n', stderr: '', code: 0 });
  });

  it('0 with warnings only, 1 with --fail-on warn', async () => {
    const root = writeTree({ 'warn.yaml': WARN_ONLY });
    expect((await auditCli(['-f', root])).code).toBe(0);
    expect((await auditCli(['-f', root, '--fail-on', 'warn'])).code).toBe(1);
  });

  it('1 on any deny, printing one line per finding', async () => {
    const root = writeTree({ 'app.yaml': MIXED });
    const run = await auditCli(['-f', join(root, 'app.yaml')]);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n').filter((line) => /^(deny|warn) /.test(line))).toHaveLength(4);
    expect(run.stderr).toBe('');
  });

  it('2 on a broken document, after auditing the rest, naming file, document and line on stderr', async () => {
    const root = writeTree({ 'app.yaml': MIXED, 'broken.yaml': BROKEN });
    const run = await auditCli(['-f', root, '-o', 'json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ summary: { deny: 1, resources: 4 } });
    expect(run.stderr).toBe(
      `pullguard audit: ${join(root, 'broken.yaml')}, document 2, line 10: Flow sequence in block collection must be sufficiently indented and end with a ]\n`,
    );
  });

  it('2 with one clear line for an unreadable file', async () => {
    const run = await auditCli(['-f', '/nonexistent/pods.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'pullguard audit: /nonexistent/pods.yaml: cannot read: no such file or directory\n',
    );
  });

  it.each([
    [[], 'no input: pass -f FILE, -f DIR or -f - (stdin)'],
    [['-f', '-', '-o', 'xml'], '--output must be one of text, json, sarif, junit, not "xml"'],
    [['-f', '-', '--fail-on', 'all'], '--fail-on must be deny or warn, not "all"'],
    [
      ['-f', '-', '--platform', 'amd64'],
      '--platform must look like os/arch or os/arch/variant (linux/arm64), not "amd64"',
    ],
    [['-f', '-', '--registry'], '--registry is not available in this build'],
    [['-f', '-', '--cluster'], '--cluster is not available in this build'],
    [['-f', '-', '--config', '/nonexistent/config.yaml'], '/nonexistent/config.yaml: cannot read: ENOENT'],
  ])('2 on bad usage %j', async (args, message) => {
    const run = await auditCli(args);
    expect(run).toEqual({ stdout: '', stderr: `pullguard audit: ${message}\n`, code: 2 });
  });

  it('2 on an invalid config, naming the key', async () => {
    const root = writeTree({ 'config.yaml': 'rules:\n  image-tag-mutable: maybe\n' });
    const run = await auditCli(['-f', '-', '--config', join(root, 'config.yaml')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('/rules/image-tag-mutable: must be one of deny, warn, patch, off');
  });
});

describe('pullguard audit options', () => {
  it('reads stdin and applies the config (a rule turned off)', async () => {
    const root = writeTree({ 'config.yaml': 'rules:\n  image-reference-invalid: "off"\n' });
    const readStdin = () => Promise.resolve(MIXED);
    const run = await auditCli(['-f', '-', '--config', join(root, 'config.yaml'), '-o', 'json'], {
      readStdin,
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ summary: { deny: 0, warn: 3, resources: 3 } });
  });

  it('colours on a TTY unless NO_COLOR is set', async () => {
    const root = writeTree({ 'warn.yaml': WARN_ONLY });
    expect((await auditCli(['-f', root], { stdoutIsTTY: true })).stdout).toContain('\u001b[33m');
    expect(
      (await auditCli(['-f', root], { stdoutIsTTY: true, env: { NO_COLOR: '1' } })).stdout,
    ).not.toContain('\u001b');
  });

  it('passes --docker-config and the platform to the registry factory and uses its prober', async () => {
    const root = writeTree({ 'warn.yaml': WARN_ONLY });
    const seen: { dockerConfigPath?: string; platform: string }[] = [];
    let probed = 0;
    const prober: RegistryProber = {
      probe: () => {
        probed += 1;
        return Promise.resolve(new Map());
      },
    };
    const sources: AuditSourceFactories = {
      registry: ({ config, dockerConfigPath }) => {
        seen.push({ platform: config.platform, ...(dockerConfigPath ? { dockerConfigPath } : {}) });
        return prober;
      },
    };
    const args = [
      '-f',
      root,
      '--registry',
      '--docker-config',
      '/ci/docker.json',
      '--platform',
      'linux/arm64',
    ];
    const run = await auditCli(args, {}, sources);
    expect(run.code).toBe(0);
    expect(seen).toEqual([{ dockerConfigPath: '/ci/docker.json', platform: 'linux/arm64' }]);
    expect(probed).toBe(1);
  });

  it('shows progress on a TTY stderr only once the audit has taken more than a second', async () => {
    const root = writeTree({ 'app.yaml': MIXED });
    let clock = 0;
    const costing = (ms: number): AuditSourceFactories => ({
      registry: () => ({
        probe: () => {
          clock += ms;
          return Promise.resolve(new Map());
        },
      }),
    });
    const tty = { stderrIsTTY: true, now: () => clock };
    // Three workloads probed at 300 ms each stay under a second: no progress.
    expect((await auditCli(['-f', root, '--registry'], tty, costing(300))).stderr).toBe('');
    clock = 0;
    const slow = await auditCli(['-f', root, '--registry'], tty, costing(600));
    expect(slow.stderr).toContain('pullguard audit: 3/3 resources');
    expect(slow.stderr.endsWith('\r\u001b[K')).toBe(true);
    clock = 0;
    expect((await auditCli(['-f', root, '--registry'], { now: () => clock }, costing(600))).stderr).toBe('');
  });
});
