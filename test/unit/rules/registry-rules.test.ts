// Table-driven checks of the registry rules over hand-written facts (the facts themselves come
// from real registries in test/integration/registry).

import { describe, expect, it } from '@jest/globals';
import { buildConfig } from '../../../src/config/load.js';
import { evaluate } from '../../../src/core/engine.js';
import type { Facts, ImageFacts, NodeFacts, ProbeResult } from '../../../src/core/facts.js';
import { walkWorkload } from '../../../src/workload/walker.js';

const config = buildConfig({
  rules: {
    'registry-unreachable': 'patch',
    'registry-rate-limited': 'patch',
    'pull-secret-missing': 'patch',
  },
  registries: [
    {
      prefix: 'reg.corp.example',
      private: true,
      pullSecret: 'corp-pull',
      mirror: 'mirror.corp.example/corp',
    },
    { prefix: 'docker.io', mirror: 'mirror.corp.example/dockerhub' },
  ],
});

const pod = (image: string, extra: Record<string, unknown> = {}) =>
  walkWorkload({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns' },
    spec: { containers: [{ name: 'app', image }], ...extra },
  })!;

const ptr = '/spec/containers/0';
const ok = (extra: Partial<ProbeResult> = {}): ProbeResult => ({
  outcome: 'ok',
  digest: `sha256:${'a'.repeat(64)}`,
  ...extra,
});
const facts = (image: ImageFacts, more: Partial<Facts> = {}): Facts => ({
  images: new Map([[ptr, image]]),
  recentFailures: new Map(),
  pullSecrets: { source: 'pod', secrets: [] },
  ...more,
});

function run(
  image: string,
  f: Facts,
  mode: 'validate' | 'mutate' = 'validate',
  extra: Record<string, unknown> = {},
) {
  return evaluate({ workload: pod(image, extra), operation: 'CREATE', facts: f, config, mode });
}

describe('registry rules', () => {
  it('denies a tag the registry does not have, with the registry code', () => {
    const result = run(
      'example.com/app:1',
      facts({ anonymous: { outcome: 'not-found', registryCode: 'MANIFEST_UNKNOWN' } }),
    );
    expect(result.denials.map((f) => f.message)).toEqual([
      '[image-not-found] container "app" image "example.com/app:1": not found (MANIFEST_UNKNOWN): the registry has no such tag, digest or repository',
    ]);
  });

  it('treats an anonymous not-found on a private registry as a missing pull secret', () => {
    const result = run('reg.corp.example/team/api:2.1', facts({ anonymous: { outcome: 'not-found' } }));
    expect(result.denials.map((f) => f.rule)).toEqual([]);
    const mutate = run(
      'reg.corp.example/team/api:2.1',
      // The configured secret is added only when it exists in the namespace.
      facts(
        { anonymous: { outcome: 'not-found' } },
        { configuredSecrets: new Map([['corp-pull', 'found']]) },
      ),
      'mutate',
    );
    expect(mutate.patch).toEqual([
      { op: 'add', path: '/spec/imagePullSecrets', value: [{ name: 'corp-pull' }] },
    ]);
  });

  it('reports a certain missing pull secret when anonymous access is refused', () => {
    // The config sets this rule to patch; with no pullSecret configured for the registry it warns.
    const result = run('example.com/private/app:1', facts({ anonymous: { outcome: 'unauthorized' } }));
    expect(result.findings.map((f) => f.certain)).toEqual([true]);
    expect(result.warnings).toEqual([
      '[pull-secret-missing] container "app" image "example.com/private/app:1": no imagePullSecret matches example.com (401 Unauthorized without credentials); add one (kubectl create secret docker-registry ...)',
    ]);
  });

  it('only warns about a missing pull secret when cluster facts are unknown', () => {
    const f: Facts = {
      images: new Map([[ptr, { anonymous: { outcome: 'unauthorized' } }]]),
      recentFailures: new Map(),
      clusterUnknown: 'no cluster access',
    };
    const result = run('example.com/private/app:1', f);
    expect(result.denials).toEqual([]);
    expect(result.warnings).toEqual([expect.stringContaining('could not be checked (no cluster access)')]);
  });

  it('names the refused secrets and keys but never the password', () => {
    const image: ImageFacts = {
      withCredentials: [
        { secretName: 'a', key: 'example.com', result: { outcome: 'unauthorized' } },
        { secretName: 'b', key: 'https://example.com/v2/', result: { outcome: 'forbidden' } },
      ],
    };
    const result = run('example.com/app:1', facts(image));
    expect(result.denials.map((f) => f.message)).toEqual([
      '[pull-credentials-rejected] container "app" image "example.com/app:1": 401 Unauthorized: the registry refused the credentials of secret "a" (key "example.com"), "b" (key "https://example.com/v2/")',
    ]);
  });

  it('does not report rejected credentials when one of them pulls', () => {
    const image: ImageFacts = {
      withCredentials: [
        { secretName: 'a', key: 'example.com', result: { outcome: 'unauthorized' } },
        { secretName: 'b', key: 'example.com', result: ok() },
      ],
    };
    expect(run('example.com/app:1', facts(image)).findings).toEqual([]);
  });

  it('denies an arm64-only index for the configured linux/amd64 platform', () => {
    const image = { anonymous: ok({ platforms: [{ os: 'linux', architecture: 'arm64' }] }) };
    const result = run('example.com/app:1', facts(image));
    expect(result.denials.map((f) => f.message)).toEqual([
      '[platform-unavailable] container "app" image "example.com/app:1": no match for platform in manifest: image offers linux/arm64; configured platform is linux/amd64',
    ]);
  });

  it('judges platforms by candidate nodes, and only warns when the node list is incomplete', () => {
    const image = { anonymous: ok({ platforms: [{ os: 'linux', architecture: 'arm64', variant: 'v8' }] }) };
    const node = (architecture: string) => ({
      name: architecture,
      platform: { os: 'linux', architecture },
      images: [],
      imageListCapped: false,
    });
    const arm: NodeFacts = { candidates: [node('amd64'), node('arm64')], complete: true };
    expect(run('example.com/app:1', facts(image, { nodes: arm })).findings).toEqual([]);
    const incomplete: NodeFacts = { candidates: [node('amd64')], complete: false };
    const result = run('example.com/app:1', facts(image, { nodes: incomplete }));
    expect(result.denials).toEqual([]);
    expect(result.warnings).toEqual([expect.stringContaining('[platform-unavailable]')]);
  });

  it('denies an unresolvable registry host', () => {
    const result = run(
      'nowhere.invalid/app:1',
      facts({ anonymous: { outcome: 'dns-nxdomain', detail: 'no such host' } }),
    );
    expect(result.denials.map((f) => f.message)).toEqual([
      '[registry-unresolvable] container "app" image "nowhere.invalid/app:1": lookup nowhere.invalid: no such host',
    ]);
  });

  it('rewrites an unreachable or rate-limited image to the mirror of its registry', () => {
    const refused = run(
      'nginx:1.27',
      facts({ anonymous: { outcome: 'connection-refused', detail: 'connect: connection refused' } }),
      'mutate',
    );
    expect(refused.patch).toEqual([
      { op: 'replace', path: `${ptr}/image`, value: 'mirror.corp.example/dockerhub/library/nginx:1.27' },
    ]);
    const limited = run(
      'reg.corp.example/team/api:2.1',
      facts({
        withCredentials: [{ secretName: 's', key: 'reg.corp.example', result: { outcome: 'rate-limited' } }],
      }),
      'mutate',
    );
    expect(limited.patch).toEqual([
      { op: 'replace', path: `${ptr}/image`, value: 'mirror.corp.example/corp/team/api:2.1' },
    ]);
  });

  it('warns "could not check" when the probe ran out of budget, and never denies on it', () => {
    const result = run(
      'example.com/app:1',
      facts({ skipped: 'could not check: the registry did not answer within the admission budget' }),
    );
    expect(result.denials).toEqual([]);
    expect(result.warnings).toEqual([
      '[registry-unreachable] container "app" image "example.com/app:1": could not check: the registry did not answer within the admission budget',
    ]);
  });

  it('says nothing when the image exists', () => {
    expect(run('example.com/app:1', facts({ anonymous: ok() })).findings).toEqual([]);
  });
});
