// The three real registries the integration tests and the benchmark run against, on free loopback
// ports in one temporary directory: plain HTTP, TLS with htpasswd basic auth, and Bearer tokens.
// Each holds app/normal:1.0 and :latest (OCI), app/v2s2:1.0, app/arm-oci:1.0 (OCI index, arm64
// only) and app/arm-list:1.0 (Docker manifest list, arm64 only); the token registry also holds
// public/normal:1.0, which anonymous callers may pull.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeServerCertificates, makeSigningCertificate } from './certificates.js';
import { buildLayouts, push, seedStandardImages } from './images.js';
import { startRegistry, type RegistryServer } from './registry-server.js';
import { startTokenServer, type TokenServer } from './token-server.js';

export { startFaultProxy, type FaultMode, type FaultProxy } from './fault-proxy.js';
export { freePort } from './processes.js';

export const BASIC_USER = { username: 'alice', password: 'correct-horse-battery' };
export const TOKEN_USER = { username: 'bob', password: 'token-user-secret' };
export const TOKEN_SERVICE = 'pullguard-test-registry';

export interface TestRegistries {
  readonly dir: string;
  readonly caCert: string;
  readonly plain: RegistryServer;
  readonly basic: RegistryServer;
  readonly token: RegistryServer;
  readonly tokenServer: TokenServer;
  stop(): Promise<void>;
}

export async function startTestRegistries(): Promise<TestRegistries> {
  const dir = await mkdtemp(join(tmpdir(), 'pullguard-registries-'));
  const started: Array<{ stop(): Promise<void> } | { close(): Promise<void> }> = [];
  const stopAll = async () => {
    await Promise.all(started.map((s) => ('stop' in s ? s.stop() : s.close())));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const [certs, signing, layouts] = await Promise.all([
      makeServerCertificates(dir),
      makeSigningCertificate(dir),
      buildLayouts(join(dir, 'layouts')),
    ]);
    const tokenServer = await startTokenServer({
      certFile: signing.cert,
      keyFile: signing.key,
      issuer: 'pullguard-test-issuer',
      service: TOKEN_SERVICE,
      users: { [TOKEN_USER.username]: TOKEN_USER.password },
    });
    started.push(tokenServer);
    const [plain, basic, token] = await Promise.all([
      startRegistry({ dir: join(dir, 'plain'), auth: { kind: 'none' } }),
      startRegistry({
        dir: join(dir, 'basic'),
        auth: { kind: 'htpasswd', users: { [BASIC_USER.username]: BASIC_USER.password } },
        tls: { cert: certs.serverCert, key: certs.serverKey },
      }),
      startRegistry({
        dir: join(dir, 'token'),
        auth: {
          kind: 'token',
          realm: tokenServer.url,
          service: TOKEN_SERVICE,
          issuer: 'pullguard-test-issuer',
          rootCertFile: signing.cert,
        },
      }),
    ]);
    started.push(plain, basic, token);
    const basicTarget = {
      host: basic.host,
      creds: `${BASIC_USER.username}:${BASIC_USER.password}`,
      caCert: certs.caCert,
      certDir: join(dir, 'skopeo-certs'),
    };
    const tokenTarget = {
      host: token.host,
      creds: `${TOKEN_USER.username}:${TOKEN_USER.password}`,
      certDir: join(dir, 'unused'),
    };
    await Promise.all([
      seedStandardImages({ host: plain.host, certDir: join(dir, 'unused') }, layouts, 'app'),
      seedStandardImages(basicTarget, layouts, 'app'),
      seedStandardImages(tokenTarget, layouts, 'app').then(() =>
        push(tokenTarget, layouts.amd64, 'public/normal', '1.0', 'oci'),
      ),
    ]);
    tokenServer.requests.total = 0;
    return { dir, caCert: certs.caCert, plain, basic, token, tokenServer, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
