// Live evidence against the real test registries (plain HTTP, TLS + basic auth, Bearer tokens):
// recorded pods and events, the real inspector.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildConfig } from '../../../src/config/load.js';
import { createLiveInspector, withPodRegistries } from '../../../src/diagnose/live-inspector.js';
import { runDiagnose } from '../../../src/diagnose/run.js';
import type { ContainerDiagnosis } from '../../../src/diagnose/types.js';
import {
  BASIC_USER,
  TOKEN_USER,
  startTestRegistries,
  type TestRegistries,
} from '../../support/registries/index.js';
import { configFor } from '../registry/helpers.js';
import {
  ERRORS,
  NOW,
  dockerSecret,
  failedPullEvents,
  fakeCluster,
  pod,
  type ClusterFixture,
} from '../../unit/diagnose/fakes.js';

let registries: TestRegistries;

beforeAll(async () => {
  registries = await startTestRegistries();
}, 120_000);

afterAll(async () => {
  await registries?.stop();
});

async function diagnose(
  image: string,
  error: string,
  extra: Partial<ClusterFixture> = {},
  secrets?: string[],
): Promise<ContainerDiagnosis> {
  const config = configFor(registries);
  const fixture: ClusterFixture = {
    pods: [pod({ image, reason: 'ImagePullBackOff', ...(secrets ? { secrets } : {}) })],
    events: failedPullEvents('web', image, error),
    ...extra,
  };
  const report = await runDiagnose(
    {
      cluster: fakeCluster(fixture),
      inspector: (refs) => createLiveInspector(withPodRegistries(config, refs)),
      config,
      now: () => NOW,
    },
    'shop',
    { pod: 'web' },
  );
  const container = report.pods[0]?.containers[0];
  if (!container) throw new Error('no container diagnosed');
  return container;
}

describe('TLS registry with basic auth', () => {
  const image = () => `${registries.basic.host}/app/normal:1.0`;

  it('private repository without a secret: 401 anonymously, TLS trusted with the configured CA', async () => {
    const c = await diagnose(image(), ERRORS.unauthorized(image(), registries.basic.host, '1.0'));
    expect(c.cause).toBe('private-repository');
    expect(c.registry?.anonymous).toMatchObject({ outcome: 'unauthorized', httpStatus: 401 });
    expect(c.registry?.tls?.status).toBe('trusted');
    expect(c.fix[0]).toContain(`--docker-server=${registries.basic.host}`);
  });

  it('wrong password: the matching key is refused', async () => {
    const secret = dockerSecret('creds', {
      [registries.basic.host]: { username: BASIC_USER.username, password: 'wrong' },
    });
    const c = await diagnose(
      image(),
      ERRORS.unauthorized(image(), registries.basic.host, '1.0'),
      { secrets: { creds: secret } },
      ['creds'],
    );
    expect(c.cause).toBe('credentials-rejected');
    expect(c.registry?.credentials[0]).toMatchObject({
      secret: 'creds',
      match: 'kubelet',
      probe: { outcome: 'unauthorized', httpStatus: 401 },
    });
  });

  it('missing tag behind good credentials: not found, with the tags the credentials list', async () => {
    const missing = `${registries.basic.host}/app/normal:1.1`;
    const secret = dockerSecret('creds', { [registries.basic.host]: BASIC_USER });
    const c = await diagnose(missing, ERRORS.notFound(missing), { secrets: { creds: secret } }, ['creds']);
    expect(c.cause).toBe('image-not-found');
    expect(c.registry?.anonymous?.outcome).toBe('unauthorized');
    expect(c.registry?.credentials[0]?.probe).toMatchObject({ outcome: 'not-found', httpStatus: 404 });
    expect(c.registry?.tags).toMatchObject({ outcome: 'ok', secret: 'creds', count: 2, nearest: '1.0' });
    expect(c.fix).toEqual([`kubectl set image pod/web app=${registries.basic.host}/app/normal:1.0 -n shop`]);
  });

  it('a key with another port: a near miss the registry accepts', async () => {
    const [host] = registries.basic.host.split(':');
    const secret = dockerSecret('creds', { [`${host}:1`]: BASIC_USER });
    const c = await diagnose(
      image(),
      ERRORS.unauthorized(image(), registries.basic.host, '1.0'),
      { secrets: { creds: secret } },
      ['creds'],
    );
    expect(c.cause).toBe('secret-key-mismatch');
    expect(c.registry?.credentials[0]).toMatchObject({ match: 'near-miss', probe: { outcome: 'ok' } });
  });
});

describe('token registry', () => {
  it('tells a private repository (anonymous token refused) from a public one with a missing tag', async () => {
    const privateImage = `${registries.token.host}/app/normal:1.0`;
    const hidden = await diagnose(privateImage, ERRORS.pullAccessDenied(privateImage));
    expect(hidden.cause).toBe('private-repository');

    const publicMissing = `${registries.token.host}/public/normal:2.0`;
    const missing = await diagnose(publicMissing, ERRORS.notFound(publicMissing));
    expect(missing.cause).toBe('image-not-found');
    expect(missing.registry?.tags).toMatchObject({ outcome: 'ok', count: 1, nearest: '1.0' });
    expect(missing.diagnosis).toContain('the repository is public');
  });

  it('credentials from the token server pull the private repository', async () => {
    const privateImage = `${registries.token.host}/app/normal:1.0`;
    const secret = dockerSecret('tok', { [registries.token.host]: TOKEN_USER });
    const c = await diagnose(
      privateImage,
      ERRORS.pullAccessDenied(privateImage),
      { secrets: { tok: secret } },
      ['tok'],
    );
    expect(c.cause).toBe('transient');
    expect(c.registry?.credentials[0]?.probe?.outcome).toBe('ok');
  });
});

describe('plain registry', () => {
  it('arm64-only index on an amd64 node: platform mismatch with the offered platforms', async () => {
    const image = `${registries.plain.host}/app/arm-oci:1.0`;
    const c = await diagnose(image, ERRORS.platform(image));
    expect(c.cause).toBe('platform-mismatch');
    expect(c.registry?.anonymous?.platforms).toEqual(['linux/arm64']);
    expect(c.node?.platform).toBe('linux/amd64');
    expect(c.registry?.tls?.status).toBe('plain-http');
  });

  it('an unlisted loopback registry is still asked (diagnose is not the webhook)', async () => {
    const image = `${registries.plain.host}/app/normal:9.9`;
    const report = await runDiagnose(
      {
        cluster: fakeCluster({
          pods: [pod({ image, reason: 'ErrImagePull' })],
          events: failedPullEvents('web', image, ERRORS.notFound(image)),
        }),
        inspector: (refs) => createLiveInspector(withPodRegistries(buildConfig({}), refs)),
        config: buildConfig({}),
        now: () => NOW,
      },
      'shop',
      { pod: 'web' },
    );
    expect(report.pods[0]?.containers[0]?.cause).toBe('image-not-found');
  });
});
