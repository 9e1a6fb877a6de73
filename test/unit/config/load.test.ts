import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, DEFAULT_CONFIG, buildConfig, loadConfigFile } from '../../../src/config/load.js';
import { RULES } from '../../../src/core/catalog.js';

const dir = mkdtempSync(join(tmpdir(), 'pullguard-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('configuration', () => {
  it('defaults every rule to the contract default and freezes the result', () => {
    for (const rule of RULES) expect(DEFAULT_CONFIG.rules[rule.id]).toBe(rule.defaultAction);
    expect(DEFAULT_CONFIG.platform).toBe('linux/amd64');
    expect(DEFAULT_CONFIG.budgetMs).toBe(2000);
    expect(Object.isFrozen(DEFAULT_CONFIG)).toBe(true);
    expect(Object.isFrozen(DEFAULT_CONFIG.rules)).toBe(true);
  });

  it('reads the contract example from YAML', async () => {
    const config = await loadConfigFile(
      file(
        'ok.yaml',
        `rules:
  image-tag-mutable: patch
registries:
  - prefix: registry.corp.example
    private: true
    pullSecret: regcred
    ca: /etc/pullguard/corp-ca.pem
    insecure: false
    mirror: mirror.corp.example/dockerhub
platform: linux/arm64
budgetMs: 2500
`,
      ),
    );
    expect(config.rules['image-tag-mutable']).toBe('patch');
    expect(config.rules['image-not-found']).toBe('deny');
    expect(config.registries[0]).toEqual({
      prefix: 'registry.corp.example',
      private: true,
      pullSecret: 'regcred',
      ca: '/etc/pullguard/corp-ca.pem',
      insecure: false,
      mirror: 'mirror.corp.example/dockerhub',
    });
    expect(config.platform).toBe('linux/arm64');
  });

  it('reads JSON too', async () => {
    const config = await loadConfigFile(file('ok.json', '{"rules":{"pull-policy-never":"off"}}'));
    expect(config.rules['pull-policy-never']).toBe('off');
  });

  it.each([
    [
      { rules: { 'image-tag-mutable': 'block' } },
      '/rules/image-tag-mutable: must be one of deny, warn, patch, off',
    ],
    [{ rules: { 'no-such-rule': 'warn' } }, '/rules/no-such-rule: unknown key'],
    [{ registries: [{ prefix: 'x', privat: true }] }, '/registries/0/privat: unknown key'],
    [{ registries: [{}] }, "/registries/0: must have required property 'prefix'"],
    [{ budgetMs: 'fast' }, '/budgetMs: must be integer'],
    [{ budgetMs: 40000 }, '/budgetMs: must be <= 29000'],
    [{ platform: 'amd64' }, '/platform: must match pattern'],
    [{ surprise: 1 }, '/surprise: unknown key'],
    [{ budgetMs: 500 }, '/probe/timeoutMs (1500) must be below /budgetMs (500)'],
    [[1], '/: must be object'],
  ])('refuses %j naming the bad key', (raw, message) => {
    expect(() => buildConfig(raw, 'policy.yaml')).toThrow(ConfigError);
    expect(() => buildConfig(raw, 'policy.yaml')).toThrow(`policy.yaml: ${message}`);
  });

  it('refuses unreadable files and broken YAML with the file name', async () => {
    await expect(loadConfigFile(join(dir, 'missing.yaml'))).rejects.toThrow(
      /missing\.yaml: cannot read: ENOENT/,
    );
    await expect(loadConfigFile(file('broken.yaml', 'rules: [\n'))).rejects.toThrow(
      /broken\.yaml: invalid YAML/,
    );
    await expect(loadConfigFile(file('dupe.yaml', 'budgetMs: 1\nbudgetMs: 2\n'))).rejects.toThrow(
      /invalid YAML/,
    );
  });
});
