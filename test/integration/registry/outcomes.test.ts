// Every outcome category against real distribution registries on loopback.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { buildConfig } from '../../../src/config/load.js';
import { parseImageReference } from '../../../src/image/reference.js';
import { createRegistryProber, type ClosableRegistryProber } from '../../../src/registry/prober.js';
import {
  BASIC_USER,
  TOKEN_USER,
  freePort,
  startTestRegistries,
  type TestRegistries,
} from '../../support/registries/index.js';
import { configFor, credential, probeImage } from './helpers.js';

let registries: TestRegistries;
let prober: ClosableRegistryProber;
let metrics: Registry;
let closedPort: number;

beforeAll(async () => {
  registries = await startTestRegistries();
  closedPort = await freePort();
  metrics = new Registry();
  prober = createRegistryProber(
    configFor(registries, {}, [{ prefix: `127.0.0.1:${closedPort}`, insecure: true }]),
    { metrics },
  );
}, 120_000);

afterAll(async () => {
  await prober?.close();
  await registries?.stop();
});

const digestPattern = /^sha256:[a-f0-9]{64}$/;

describe('plain HTTP registry', () => {
  it('finds an OCI image and returns its digest', async () => {
    const facts = await probeImage(prober, `${registries.plain.host}/app/normal:1.0`);
    expect(facts.anonymous?.outcome).toBe('ok');
    expect(facts.anonymous?.digest).toMatch(digestPattern);
    expect(facts.anonymous?.platforms).toBeUndefined();
  });

  it('finds a Docker schema 2 image', async () => {
    const facts = await probeImage(prober, `${registries.plain.host}/app/v2s2:1.0`);
    expect(facts.anonymous).toMatchObject({ outcome: 'ok', httpStatus: 200 });
  });

  it('reads the platforms of an OCI index and of a Docker manifest list', async () => {
    for (const repo of ['arm-oci', 'arm-list']) {
      const facts = await probeImage(prober, `${registries.plain.host}/app/${repo}:1.0`);
      expect(facts.anonymous?.outcome).toBe('ok');
      expect(facts.anonymous?.platforms).toEqual([{ os: 'linux', architecture: 'arm64' }]);
    }
  });

  it('says not found for a missing tag and a missing repository', async () => {
    const tag = await probeImage(prober, `${registries.plain.host}/app/normal:9.9`);
    const repo = await probeImage(prober, `${registries.plain.host}/nobody/here:1.0`);
    expect(tag.anonymous).toMatchObject({ outcome: 'not-found', httpStatus: 404 });
    expect(repo.anonymous).toMatchObject({ outcome: 'not-found', httpStatus: 404 });
  });

  it('finds an image by digest', async () => {
    const byTag = await probeImage(prober, `${registries.plain.host}/app/normal:1.0`);
    const digest = byTag.anonymous?.digest ?? '';
    const byDigest = await probeImage(prober, `${registries.plain.host}/app/normal@${digest}`);
    expect(byDigest.anonymous).toMatchObject({ outcome: 'ok', digest });
  });
});

describe('TLS registry with basic auth', () => {
  const image = () => `${registries.basic.host}/app/normal:1.0`;
  const key = () => registries.basic.host;

  it('answers 401 Unauthorized to anonymous probes', async () => {
    const facts = await probeImage(prober, image());
    expect(facts.anonymous).toMatchObject({ outcome: 'unauthorized', httpStatus: 401 });
  });

  it('refuses a wrong password', async () => {
    const facts = await probeImage(prober, image(), [
      credential('regcred', key(), BASIC_USER.username, 'wrong'),
    ]);
    expect(facts.withCredentials?.[0]?.result).toMatchObject({ outcome: 'unauthorized' });
    expect(facts.withCredentials?.[0]).toMatchObject({ secretName: 'regcred', key: key() });
  });

  it('accepts good credentials, trying them in order until one pulls', async () => {
    const facts = await probeImage(prober, image(), [
      credential('old', key(), BASIC_USER.username, 'expired'),
      credential('good', key(), BASIC_USER.username, BASIC_USER.password),
    ]);
    expect(facts.withCredentials?.map((probe) => probe.result.outcome)).toEqual(['unauthorized', 'ok']);
    expect(facts.withCredentials?.[1]?.result.digest).toMatch(digestPattern);
  });

  it('reports a TLS error when the registry CA is not configured', async () => {
    const noCa = createRegistryProber(
      buildConfig({ registries: [{ prefix: registries.basic.host, private: true }] }),
    );
    try {
      const facts = await probeImage(noCa, image());
      expect(facts.anonymous).toMatchObject({
        outcome: 'tls-error',
        detail: 'x509: certificate signed by unknown authority',
      });
    } finally {
      await noCa.close();
    }
  });
});

describe('registry with Bearer token auth', () => {
  it('pulls a public repository anonymously with a token', async () => {
    const facts = await probeImage(prober, `${registries.token.host}/public/normal:1.0`);
    expect(facts.anonymous).toMatchObject({ outcome: 'ok' });
  });

  it('answers 401 to anonymous probes of a private repository', async () => {
    const facts = await probeImage(prober, `${registries.token.host}/app/normal:1.0`);
    expect(facts.anonymous).toMatchObject({ outcome: 'unauthorized', httpStatus: 401 });
  });

  it('accepts good credentials and refuses wrong ones at the token server', async () => {
    const key = registries.token.host;
    const good = await probeImage(prober, `${registries.token.host}/app/arm-list:1.0`, [
      credential('tok', key, TOKEN_USER.username, TOKEN_USER.password),
    ]);
    expect(good.withCredentials?.[0]?.result).toMatchObject({
      outcome: 'ok',
      platforms: [{ os: 'linux', architecture: 'arm64' }],
    });
    const bad = await probeImage(prober, `${registries.token.host}/app/normal:1.0`, [
      credential('tok', key, TOKEN_USER.username, 'nope'),
    ]);
    expect(bad.withCredentials?.[0]?.result).toMatchObject({ outcome: 'unauthorized' });
  });
});

describe('network failures', () => {
  it('reports NXDOMAIN for a host that does not exist', async () => {
    const facts = await probeImage(prober, 'registry.pullguard-test.invalid/app/normal:1.0');
    expect(facts.anonymous).toMatchObject({ outcome: 'dns-nxdomain', detail: 'no such host' });
  });

  it('reports connection refused on a closed port', async () => {
    const facts = await probeImage(prober, `127.0.0.1:${closedPort}/app/normal:1.0`);
    expect(facts.anonymous).toMatchObject({ outcome: 'connection-refused' });
  });

  it('does not contact an unlisted loopback registry, however it is spelled', async () => {
    const port = registries.plain.port;
    for (const host of [
      `localhost:${port}`,
      `2130706433:${port}`,
      `0x7f.1:${port}`,
      `[::ffff:7f00:1]:${port}`,
      `[::1]:${port}`,
      `127.1.2.3:${port}`,
    ]) {
      const facts = await probeImage(prober, `${host}/app/normal:1.0`);
      expect([host, facts.anonymous?.outcome]).toEqual([host, 'blocked']);
    }
  });
});

describe('the cache', () => {
  it('serves a pod synchronously only once every image of it is cached, and counts those hits', async () => {
    const request = (image: string, pointer: string) => {
      const parsed = parseImageReference(image);
      if (!parsed.ok) throw new Error(parsed.error);
      return { pointer, ref: parsed.ref, credentials: [] };
    };
    const requests = [
      request(`${registries.plain.host}/app/normal:1.0`, '/spec/containers/0'),
      request(`${registries.plain.host}/app/v2s2:1.0`, '/spec/containers/1'),
      request(`${registries.plain.host}/app/normal:cache-${Date.now()}`, '/spec/containers/2'),
    ];
    const hits = async () =>
      Number(/pullguard_registry_cache_total\{result="hit"\} (\d+)/.exec(await metrics.metrics())?.[1] ?? 0);
    const before = await hits();
    expect(prober.cached?.(requests)).toBeUndefined();
    expect(await hits()).toBe(before);
    const probed = await prober.probe(requests, AbortSignal.timeout(20_000));
    const afterProbe = await hits();
    const cached = prober.cached?.(requests);
    expect(cached && Object.fromEntries(cached)).toEqual(Object.fromEntries(probed));
    expect(cached?.get('/spec/containers/2')?.anonymous?.outcome).toBe('not-found');
    expect(await hits()).toBe(afterProbe + 3);
  });
});

describe('metrics', () => {
  it('counts probes by registry and outcome without credentials in labels', async () => {
    const text = await metrics.metrics();
    expect(text).toMatch(
      /pullguard_registry_probes_total\{registry="127\.0\.0\.1:\d+",outcome="not-found"\} [1-9]/,
    );
    expect(text).toContain('pullguard_registry_cache_total');
    for (const secret of [BASIC_USER.password, TOKEN_USER.password, 'regcred'])
      expect(text).not.toContain(secret);
  });
});
