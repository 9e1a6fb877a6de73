// Timeouts, resets and the admission budget, through a fault proxy in front of a real registry;
// and coalescing: concurrent identical probes reach the registry once.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildConfig } from '../../../src/config/load.js';
import { parseImageReference } from '../../../src/image/reference.js';
import { createRegistryProber, type ClosableRegistryProber } from '../../../src/registry/prober.js';
import {
  TOKEN_USER,
  startFaultProxy,
  startTestRegistries,
  type FaultProxy,
  type TestRegistries,
} from '../../support/registries/index.js';
import { credential, probeImage } from './helpers.js';

let registries: TestRegistries;
let proxy: FaultProxy;
let prober: ClosableRegistryProber;

beforeAll(async () => {
  registries = await startTestRegistries();
  proxy = await startFaultProxy(registries.plain.port);
  prober = createRegistryProber(
    buildConfig({
      registries: [{ prefix: proxy.host, insecure: true }],
      probe: { timeoutMs: 400, negativeCacheTtlSeconds: 0 },
    }),
  );
}, 120_000);

afterAll(async () => {
  await prober?.close();
  await proxy?.close();
  await registries?.stop();
});

describe('fault proxy', () => {
  it('passes a healthy registry through', async () => {
    proxy.mode = { kind: 'pass' };
    const facts = await probeImage(prober, `${proxy.host}/app/normal:1.0`);
    expect(facts.anonymous?.outcome).toBe('ok');
  });

  it('reports a timeout when the registry stalls', async () => {
    proxy.mode = { kind: 'stall' };
    const facts = await probeImage(prober, `${proxy.host}/app/v2s2:1.0`);
    expect(facts.anonymous).toMatchObject({ outcome: 'timeout', detail: 'request timed out' });
  });

  it('reports a timeout when answers come later than the per-request timeout', async () => {
    proxy.mode = { kind: 'delay', ms: 1500 };
    const facts = await probeImage(prober, `${proxy.host}/app/arm-oci:1.0`);
    expect(facts.anonymous?.outcome).toBe('timeout');
  });

  it('reports a reset connection', async () => {
    proxy.mode = { kind: 'reset' };
    const slow = createRegistryProber(buildConfig({ registries: [{ prefix: proxy.host, insecure: true }] }));
    try {
      const facts = await probeImage(slow, `${proxy.host}/app/normal:1.0`);
      expect(facts.anonymous?.outcome).toBe('connection-reset');
    } finally {
      await slow.close();
    }
  });

  it('settles at the admission deadline with "could not check" while the registry stalls', async () => {
    proxy.mode = { kind: 'stall' };
    const patient = createRegistryProber(
      buildConfig({
        registries: [{ prefix: proxy.host, insecure: true }],
        probe: { timeoutMs: 20_000 },
        budgetMs: 25_000,
      }),
    );
    try {
      const images = ['app/normal:1.0', 'app/v2s2:1.0', 'app/arm-list:1.0'].map((name) => {
        const parsed = parseImageReference(`${proxy.host}/${name}`);
        if (!parsed.ok) throw new Error(parsed.error);
        return { pointer: `/spec/containers/${name}`, ref: parsed.ref, credentials: [] };
      });
      // If the prober ignored the signal this would hang until jest's 10 s timeout and fail.
      const facts = await patient.probe(images, AbortSignal.timeout(300));
      expect([...facts.values()].map((f) => f.skipped)).toEqual(
        Array(3).fill(expect.stringMatching(/^could not check/)),
      );
    } finally {
      await patient.close();
    }
  }, 10_000);
});

describe('coalescing and caching against the token registry', () => {
  it('sends one token request and one manifest request for 200 concurrent identical probes', async () => {
    const shared = createRegistryProber(
      buildConfig({ registries: [{ prefix: registries.token.host, insecure: true }] }),
    );
    try {
      registries.tokenServer.requests.total = 0;
      const cred = [credential('tok', registries.token.host, TOKEN_USER.username, TOKEN_USER.password)];
      const image = `${registries.token.host}/app/normal:1.0`;
      const all = await Promise.all(Array.from({ length: 200 }, () => probeImage(shared, image, cred)));
      expect(new Set(all.map((f) => f.withCredentials?.[0]?.result.outcome))).toEqual(new Set(['ok']));
      expect(registries.tokenServer.requests.total).toBe(1);
      await probeImage(shared, image, cred); // served from the cache
      expect(registries.tokenServer.requests.total).toBe(1);
    } finally {
      await shared.close();
    }
  });
});
