// The cases users confuse, over recorded pods and events with the registry faked.

import { describe, expect, it } from '@jest/globals';
import { ERRORS, diagnoseOne, dockerSecret, failedPullEvents, pod } from './fakes.js';

const CORP = 'registry.corp.example/team/api:2.1';
const ok = { outcome: 'ok', httpStatus: 200, digest: `sha256:${'a'.repeat(64)}` } as const;
const notFound = { outcome: 'not-found', httpStatus: 404, registryCode: 'MANIFEST_UNKNOWN' } as const;
const unauthorized = { outcome: 'unauthorized', httpStatus: 401 } as const;

function failing(
  image: string,
  error: string,
  extra: Parameters<typeof pod>[0] extends infer P ? Partial<P> : never = {},
) {
  return {
    pods: [
      pod({ image, reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"`, ...extra }),
    ],
    events: failedPullEvents(extra.name ?? 'web', image, error),
  };
}

describe('private repository hidden behind "not found" versus a missing tag', () => {
  it('names a private repository when anonymous says not found and the tag list is refused', async () => {
    const report = await diagnoseOne(failing(CORP, ERRORS.pullAccessDenied(CORP)), {
      manifests: { 'registry.corp.example/team/api:2.1': { anonymous: notFound } },
      tags: { 'registry.corp.example/team/api': { anonymous: { outcome: 'unauthorized', httpStatus: 401 } } },
    });
    const container = report.pods[0]?.containers[0];
    expect(container?.cause).toBe('private-repository');
    expect(container?.category).toBe('unauthorized');
    expect(container?.diagnosis).toMatch(/hidden behind not found/);
    expect(container?.fix[0]).toBe(
      'kubectl create secret docker-registry corp-pull --docker-server=registry.corp.example --docker-username=<username> --docker-password=<password> -n shop',
    );
    expect(container?.fix[1]).toBe(
      `kubectl patch serviceaccount default -n shop -p '{"imagePullSecrets":[{"name":"corp-pull"}]}'`,
    );
  });

  it('names a missing tag, with the nearest existing one, when the credentials see the repository', async () => {
    const secret = dockerSecret('corp', { 'registry.corp.example': { username: 'ci', password: 'good' } });
    const report = await diagnoseOne(
      { ...failing(CORP, ERRORS.notFound(CORP), { secrets: ['corp'] }), secrets: { corp: secret } },
      {
        manifests: { 'registry.corp.example/team/api:2.1': { anonymous: unauthorized, good: notFound } },
        tags: {
          'registry.corp.example/team/api': {
            good: { outcome: 'ok', httpStatus: 200, tags: ['1.9', '2.0', '2.0.3', '12.1'] },
          },
        },
      },
    );
    const container = report.pods[0]?.containers[0];
    expect(container?.cause).toBe('image-not-found');
    expect(container?.registry?.tags).toMatchObject({ secret: 'corp', count: 4, nearest: '2.0' });
    expect(container?.fix).toEqual([
      'kubectl set image pod/web app=registry.corp.example/team/api:2.0 -n shop',
    ]);
  });

  it('names a missing tag in a public repository from the anonymous tag list', async () => {
    const report = await diagnoseOne(
      failing(CORP, ERRORS.notFound(CORP), { owner: { kind: 'ReplicaSet', name: 'api-7d9f' }, hash: '7d9f' }),
      {
        manifests: { 'registry.corp.example/team/api:2.1': { anonymous: notFound } },
        tags: {
          'registry.corp.example/team/api': { anonymous: { outcome: 'ok', httpStatus: 200, tags: ['2.0'] } },
        },
      },
    );
    const container = report.pods[0]?.containers[0];
    expect(container?.cause).toBe('image-not-found');
    expect(container?.diagnosis).toContain('the repository is public');
    expect(container?.fix).toEqual([
      'kubectl set image deployment/api app=registry.corp.example/team/api:2.0 -n shop',
    ]);
  });
});

describe('wrong key in the secret versus wrong password', () => {
  it('spots Docker Hub credentials stored under registry-1.docker.io', async () => {
    const image = 'docker.io/acme/private:1.0';
    const secret = dockerSecret('hub', {
      'https://registry-1.docker.io/v1/': { username: 'acme', password: 'good' },
    });
    const report = await diagnoseOne(
      { ...failing(image, ERRORS.pullAccessDenied(image), { secrets: ['hub'] }), secrets: { hub: secret } },
      { manifests: { 'docker.io/acme/private:1.0': { anonymous: unauthorized, good: ok } } },
    );
    const container = report.pods[0]?.containers[0];
    expect(container?.cause).toBe('secret-key-mismatch');
    expect(container?.registry?.credentials).toEqual([
      expect.objectContaining({
        secret: 'hub',
        match: 'near-miss',
        probe: expect.objectContaining({ outcome: 'ok' }),
      }),
    ]);
    expect(container?.fix[0]).toContain('--docker-server=https://index.docker.io/v1/');
    expect(container?.fix[0]).toContain('kubectl create secret docker-registry hub ');
  });

  it('spots a key with another port', async () => {
    const image = 'registry.corp.example/team/api:2.1';
    const secret = dockerSecret('corp', {
      'registry.corp.example:5000': { username: 'ci', password: 'good' },
    });
    const report = await diagnoseOne(
      {
        ...failing(image, ERRORS.unauthorized(image, 'registry.corp.example', '2.1'), { secrets: ['corp'] }),
        secrets: { corp: secret },
      },
      { manifests: { 'registry.corp.example/team/api:2.1': { anonymous: unauthorized, good: ok } } },
    );
    const container = report.pods[0]?.containers[0];
    expect(container?.cause).toBe('secret-key-mismatch');
    expect(container?.diagnosis).toMatch(/port \(5000\) differs/);
  });

  it('says wrong password when the key matches and the registry refuses it', async () => {
    const image = 'registry.corp.example/team/api:2.1';
    const secret = dockerSecret('corp', {
      'https://registry.corp.example': { username: 'ci', password: 'stale' },
    });
    const report = await diagnoseOne(
      {
        ...failing(image, ERRORS.unauthorized(image, 'registry.corp.example', '2.1'), { secrets: ['corp'] }),
        secrets: { corp: secret },
      },
      {
        manifests: { 'registry.corp.example/team/api:2.1': { anonymous: unauthorized, stale: unauthorized } },
      },
    );
    const container = report.pods[0]?.containers[0];
    expect(container?.cause).toBe('credentials-rejected');
    expect(container?.registry?.credentials).toEqual([
      expect.objectContaining({ secret: 'corp', key: 'https://registry.corp.example', match: 'kubelet' }),
    ]);
    expect(container?.fix[0]).toMatch(
      /^kubectl create secret docker-registry corp .* --dry-run=client -o yaml \| kubectl apply -f -$/,
    );
    expect(JSON.stringify(report)).not.toContain('stale');
    expect(JSON.stringify(report)).not.toContain(Buffer.from('ci:stale').toString('base64'));
  });

  it('says the referenced secret is missing (FailedToRetrieveImagePullSecret) when it is', async () => {
    const image = 'registry.corp.example/team/api:2.1';
    const fixture = failing(image, ERRORS.unauthorized(image, 'registry.corp.example', '2.1'), {
      secrets: ['corp'],
    });
    const events = [
      ...fixture.events,
      {
        metadata: { name: 'web.secret' },
        involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web', uid: 'uid-web' },
        type: 'Warning',
        reason: 'FailedToRetrieveImagePullSecret',
        message:
          'Unable to retrieve some image pull secrets (corp); attempting to pull the image may not succeed.',
        count: 3,
        lastTimestamp: new Date().toISOString(),
      },
    ];
    const report = await diagnoseOne(
      { ...fixture, events },
      { manifests: { 'registry.corp.example/team/api:2.1': { anonymous: unauthorized } } },
    );
    const container = report.pods[0]?.containers[0];
    expect(report.pods[0]?.pullSecrets).toMatchObject({
      source: 'pod',
      missing: ['corp'],
      secrets: [{ name: 'corp', status: 'not-found' }],
    });
    expect(container?.cause).toBe('pull-secret-not-found');
    expect(container?.fix).toEqual([
      expect.stringMatching(
        /^kubectl create secret docker-registry corp --docker-server=registry.corp.example /,
      ),
    ]);
  });
});

describe('node-local cache, rate limiting, Never', () => {
  it('notes that other pods of the image run only where it is cached', async () => {
    const image = 'registry.corp.example/team/api:2.1';
    const fixture = failing(image, ERRORS.unauthorized(image, 'registry.corp.example', '2.1'));
    const other = pod({ name: 'web-old', image, node: 'node-b' });
    const report = await diagnoseOne(
      { ...fixture, pods: [...fixture.pods, other] },
      { manifests: { 'registry.corp.example/team/api:2.1': { anonymous: unauthorized } } },
    );
    const container = report.pods[0]?.containers[0];
    expect(container?.cause).toBe('private-repository');
    expect(container?.runningElsewhere).toEqual([{ pod: 'web-old', node: 'node-b' }]);
    expect(container?.notes.join(' ')).toMatch(/web-old on node-b.*cached/);
  });

  it('names rate limiting from the kubelet message and suggests authenticating', async () => {
    const image = 'nginx:1.27';
    const report = await diagnoseOne(failing(image, ERRORS.rateLimited(image)), {
      manifests: {
        'docker.io/library/nginx:1.27': {
          anonymous: { outcome: 'rate-limited', httpStatus: 429, registryCode: 'TOOMANYREQUESTS' },
        },
      },
    });
    const container = report.pods[0]?.containers[0];
    expect(container?.cause).toBe('rate-limited');
    expect(container?.category).toBe('rate-limited');
    expect(container?.fix[0]).toContain('--docker-server=https://index.docker.io/v1/');
  });

  it('names Never on a node without the image, and the policy change', async () => {
    const image = 'registry.corp.example/team/api:2.1';
    const never = pod({
      image,
      pullPolicy: 'Never',
      reason: 'ErrImageNeverPull',
      message: `Container image "${image}" is not present with pull policy of Never`,
      owner: { kind: 'StatefulSet', name: 'api' },
    });
    const report = await diagnoseOne(
      { pods: [never], nodeImages: ['registry.corp.example/team/api:2.0'] },
      { manifests: { 'registry.corp.example/team/api:2.1': { anonymous: ok } } },
    );
    const container = report.pods[0]?.containers[0];
    expect(container?.cause).toBe('never-pull-absent');
    expect(container?.node).toEqual({ name: 'node-a', platform: 'linux/amd64', hasImage: false });
    expect(container?.fix).toEqual([
      `kubectl patch statefulset/api -n shop --type=json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/imagePullPolicy","value":"IfNotPresent"}]'`,
    ]);
    expect(container?.notes[0]).toMatch(/IfNotPresent will pull it/);
  });

  it('does not claim absence when the node image list is capped', async () => {
    const image = 'registry.corp.example/team/api:2.1';
    const never = pod({ image, pullPolicy: 'Never', reason: 'ErrImageNeverPull' });
    const report = await diagnoseOne({ pods: [never], imageListCapped: true }, { manifests: {} });
    expect(report.pods[0]?.containers[0]?.node?.hasImage).toBe('unknown');
    expect(report.pods[0]?.containers[0]?.diagnosis).toMatch(/may be incomplete/);
  });

  it('names a platform mismatch from the index platforms against the node', async () => {
    const image = 'registry.corp.example/team/arm:1.0';
    const report = await diagnoseOne(failing(image, ERRORS.platform(image)), {
      manifests: {
        'registry.corp.example/team/arm:1.0': {
          anonymous: { ...ok, platforms: [{ os: 'linux', architecture: 'arm64' }] },
        },
      },
    });
    const container = report.pods[0]?.containers[0];
    expect(container?.cause).toBe('platform-mismatch');
    expect(container?.registry?.anonymous?.platforms).toEqual(['linux/arm64']);
    expect(container?.diagnosis).toContain('linux/amd64');
  });
});

describe('history and reads', () => {
  it('counts attempts and back-offs from the events and keeps the kubelet message', async () => {
    const image = 'registry.corp.example/team/api:2.1';
    const report = await diagnoseOne(failing(image, ERRORS.notFound(image)), { manifests: {} });
    const history = report.pods[0]?.containers[0]?.history;
    expect(history).toMatchObject({ state: 'ImagePullBackOff', attempts: 3, backOffEvents: 4 });
    expect(history?.lastMessage).toContain(': not found');
  });

  it('reads only the secrets the pod names, and reports a healthy pod as such', async () => {
    const { fakeCluster } = await import('./fakes.js');
    const { runDiagnose } = await import('../../../src/diagnose/run.js');
    const { fakeInspector, config, NOW } = await import('./fakes.js');
    const cluster = fakeCluster({
      pods: [pod({ image: 'nginx:1.27', secrets: ['a'] })],
      secrets: { a: dockerSecret('a', {}) },
    });
    const inspector = fakeInspector({ manifests: {} });
    const report = await runDiagnose(
      { cluster, inspector: () => inspector, config, now: () => NOW },
      'shop',
      { pod: 'web' },
    );
    expect(cluster.secretReads).toEqual(['a']);
    expect(inspector.asked).toEqual([]); // a healthy container needs no registry question
    expect(report.problems).toBe(0);
    expect(report.pods[0]?.containers[0]).toMatchObject({ status: 'ok', cause: 'pulled', fix: [] });
  });
});
