// A token server for distribution's `auth.token`: checks Basic credentials, grants the requested
// actions (anonymous callers get `pull` on `public/` repositories only) and signs an RS256 JWT whose
// `x5c` header carries the certificate the registry trusts through `rootcertbundle`.

import { createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenServer {
  readonly url: string;
  /** Token requests received, by whether credentials were valid, anonymous or wrong. */
  readonly requests: { total: number };
  close(): Promise<void>;
}

export interface TokenServerOptions {
  readonly certFile: string;
  readonly keyFile: string;
  readonly issuer: string;
  readonly service: string;
  readonly users: Readonly<Record<string, string>>;
  readonly expiresIn?: number;
}

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const key = createPrivateKey(await readFile(options.keyFile));
  const der = new X509Certificate(await readFile(options.certFile)).raw.toString('base64');
  const requests = { total: 0 };
  const server: Server = createServer((req, res) => {
    requests.total++;
    const url = new URL(req.url ?? '/', 'http://token');
    const user = authenticate(req.headers.authorization, options.users);
    if (user === null) {
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"details":"incorrect username or password"}');
      return;
    }
    const access = url.searchParams.getAll('scope').flatMap((scope) => grant(scope, user));
    const token = signToken(key, der, {
      iss: options.issuer,
      sub: user ?? '',
      aud: options.service,
      exp: Math.floor(Date.now() / 1000) + (options.expiresIn ?? 300),
      nbf: Math.floor(Date.now() / 1000) - 10,
      iat: Math.floor(Date.now() / 1000),
      jti: randomUUID(),
      access,
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token, access_token: token, expires_in: options.expiresIn ?? 300 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/token`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The user name, undefined for anonymous, null for wrong credentials. */
function authenticate(
  header: string | undefined,
  users: Readonly<Record<string, string>>,
): string | undefined | null {
  if (!header) return undefined;
  const match = /^Basic (.+)$/.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  return colon > 0 && users[user] === decoded.slice(colon + 1) ? user : null;
}

function grant(
  scope: string,
  user: string | undefined,
): Array<{ type: string; name: string; actions: string[] }> {
  const [type, name, actions] = scope.split(':');
  if (type !== 'repository' || !name || !actions) return [];
  const wanted = actions.split(',');
  const allowed =
    user !== undefined ? wanted : name.startsWith('public/') ? wanted.filter((a) => a === 'pull') : [];
  return allowed.length > 0 ? [{ type, name, actions: allowed }] : [];
}

function signToken(key: KeyObject, certificateDer: string, claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ typ: 'JWT', alg: 'RS256', x5c: [certificateDer] })}.${encode(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}
