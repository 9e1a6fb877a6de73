// A misbehaving registry on loopback for the faults a TCP proxy cannot make: answers that stall
// mid-body, trickle, never end, redirect in loops or to other hosts, carry the wrong content type,
// invalid or huge manifests, and token endpoints that are down or answer garbage. One server per
// fault, so each has its own `/v2/` challenge and cache entries.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type RegistryFault =
  | 'stall-headers'
  | 'stall-body'
  | 'reset'
  | 'trickle'
  | 'endless-body'
  | 'redirect-loop'
  | 'redirect-cross-host'
  | 'wrong-content-type'
  | 'invalid-json'
  | 'json-null'
  | 'huge-manifest'
  | 'token-down'
  | 'token-garbage'
  | 'token-null'
  | 'token-stall';

export const REGISTRY_FAULTS: readonly RegistryFault[] = [
  'stall-headers',
  'stall-body',
  'reset',
  'trickle',
  'endless-body',
  'redirect-loop',
  'redirect-cross-host',
  'wrong-content-type',
  'invalid-json',
  'json-null',
  'huge-manifest',
  'token-down',
  'token-garbage',
  'token-null',
  'token-stall',
];

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const BODY_FAULTS: ReadonlySet<RegistryFault> = new Set([
  'stall-body',
  'trickle',
  'endless-body',
  'huge-manifest',
  'invalid-json',
  'json-null',
  'wrong-content-type',
]);

let huge: Buffer | undefined;
/** A valid 28 MB index (400,000 entries), built once. */
function hugeManifest(): Buffer {
  const entry = JSON.stringify({ platform: { os: 'linux', architecture: 'amd64' }, digest: 'x' });
  huge ??= Buffer.from(`{"schemaVersion":2,"manifests":[${Array(400_000).fill(entry).join(',')}]}`);
  return huge;
}

export interface FaultRegistry {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface FaultRegistryOptions {
  /** Where `redirect-cross-host` sends the client (another host than this registry's). */
  readonly crossHostTarget?: string;
  /** A loopback port nothing listens on, for `token-down`. */
  readonly closedPort?: number;
}

export async function startFaultRegistry(
  fault: RegistryFault,
  options: FaultRegistryOptions = {},
): Promise<FaultRegistry> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let port = 0;
  const every = (ms: number, tick: () => boolean) => {
    const timer = setInterval(() => {
      if (!tick()) {
        clearInterval(timer);
        timers.delete(timer);
      }
    }, ms);
    timers.add(timer);
  };
  const tokenFault = fault.startsWith('token-');

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    if (url.startsWith('/token')) return token(res);
    if (tokenFault && !req.headers.authorization) {
      const realm =
        fault === 'token-down'
          ? `http://127.0.0.1:${options.closedPort ?? 9}/token`
          : `http://127.0.0.1:${port}/token`;
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="${realm}",service="faulty"`,
        'content-type': 'application/json',
      });
      return res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    }
    if (url === '/v2/' || url === '/v2') return res.writeHead(200).end('{}');
    manifest(req, res, url);
  };

  const manifest = (req: IncomingMessage, res: ServerResponse, url: string) => {
    // HEAD learns only the media type (no digest), so the prober GETs the faulty body.
    if (req.method === 'HEAD' && BODY_FAULTS.has(fault))
      return void res.writeHead(200, { 'content-type': OCI_INDEX }).end();
    switch (fault) {
      case 'stall-headers':
        return; // never answer
      case 'reset':
        return void req.socket.resetAndDestroy();
      case 'stall-body':
        res.writeHead(200, { 'content-type': OCI_INDEX, 'content-length': 4096 });
        return void res.write('{"schemaVersion":2,"manifests":[');
      case 'trickle': {
        res.writeHead(200, { 'content-type': OCI_INDEX });
        const text = JSON.stringify({ schemaVersion: 2, manifests: [], pad: 'x'.repeat(4000) });
        let at = 0;
        return every(100, () => {
          if (res.destroyed) return false;
          res.write(text.slice(at, at + 1));
          return ++at < text.length || (res.end(), false);
        });
      }
      case 'endless-body': {
        res.writeHead(200, { 'content-type': OCI_INDEX });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        return pump();
      }
      case 'huge-manifest':
        res.writeHead(200, { 'content-type': OCI_INDEX, 'content-length': hugeManifest().length });
        return void res.end(hugeManifest());
      case 'redirect-loop':
        return void res.writeHead(307, { location: url }).end();
      case 'redirect-cross-host':
        return void res
          .writeHead(307, { location: `http://${options.crossHostTarget ?? '127.0.0.2:9'}${url}` })
          .end();
      case 'wrong-content-type':
        return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>welcome</html>');
      case 'invalid-json':
        return void res.writeHead(200, { 'content-type': OCI_INDEX }).end('{"manifests":[{');
      case 'json-null':
        return void res.writeHead(200, { 'content-type': OCI_INDEX }).end('null');
      default: // token faults, once a token was presented: a plain image
        return void res
          .writeHead(200, {
            'content-type': 'application/vnd.oci.image.manifest.v1+json',
            'docker-content-digest': `sha256:${'c'.repeat(64)}`,
          })
          .end('{}');
    }
  };

  const token = (res: ServerResponse) => {
    if (fault === 'token-stall') return;
    if (fault === 'token-null')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('null');
    res.writeHead(200, { 'content-type': 'application/json' }).end('\u0000<<garbage>>{"token":');
  };

  const server: Server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    port,
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
