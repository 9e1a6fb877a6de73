// A minimal distribution API server for the benchmark: `/v2/`, manifest HEAD/GET for any
// repository and tag, optional Bearer auth with its own token endpoint, a delay on each manifest
// answer, and counters of the requests that reach it.

import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeDistribution {
  readonly host: string;
  readonly counts: { manifests: number; tokens: number; pings: number };
  close(): Promise<void>;
}

const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: {
    mediaType: 'application/vnd.oci.image.config.v1+json',
    digest: `sha256:${'1'.repeat(64)}`,
    size: 2,
  },
  layers: [],
});
const DIGEST = `sha256:${createHash('sha256').update(MANIFEST).digest('hex')}`;

export async function startFakeDistribution(options: {
  manifestDelayMs: number;
  bearer: boolean;
}): Promise<FakeDistribution> {
  const counts = { manifests: 0, tokens: 0, pings: 0 };
  let host = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const challenge = `Bearer realm="http://${host}/token",service="fake"`;
    const authorized = !options.bearer || req.headers.authorization === 'Bearer fake-token';
    if (url.pathname === '/token') {
      counts.tokens++;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"token":"fake-token","expires_in":300}');
      return;
    }
    if (url.pathname === '/v2/') {
      counts.pings++;
      if (!authorized) res.writeHead(401, { 'www-authenticate': challenge }).end();
      else res.writeHead(200).end('{}');
      return;
    }
    if (/^\/v2\/.+\/manifests\/[^/]+$/.test(url.pathname)) {
      counts.manifests++;
      if (!authorized) return void res.writeHead(401, { 'www-authenticate': challenge }).end();
      setTimeout(() => {
        res.writeHead(200, {
          'content-type': 'application/vnd.oci.image.manifest.v1+json',
          'docker-content-digest': DIGEST,
          'content-length': Buffer.byteLength(MANIFEST),
        });
        res.end(req.method === 'HEAD' ? undefined : MANIFEST);
      }, options.manifestDelayMs);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    counts,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
