// Item 5: SSRF. Images naming loopback, metadata and "this host" addresses in every spelling, names
// that resolve to loopback (localhost, an injected kubernetes.default.svc), and a listed registry
// that redirects to loopback or metadata: none may be contacted unless listed. Listeners on the
// targeted ports count connections. Credentials never follow a redirect to another origin.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { lookup as dnsLookup } from 'node:dns';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdmissionHandler } from '../../../src/admission/handler.js';
import { ManifestClusterView } from '../../../src/cluster/manifest-view.js';
import { buildConfig } from '../../../src/config/load.js';
import { silentLogger } from '../../../src/logger.js';
import type { LookupFunction } from '../../../src/registry/http-client.js';
import { createRegistryProber, type ClosableRegistryProber } from '../../../src/registry/prober.js';
import { recordFigure } from '../../harden/figures.js';

const MARKER_PASSWORD = 'ssrf-marker-pw-7f3a';

interface Listener {
  readonly port: number;
  contacts: number;
  readonly seen: IncomingHttpHeaders[];
  server: Server;
}

async function listen(host: string, port = 0, redirectTo?: () => string): Promise<Listener> {
  const listener: Listener = { port: 0, contacts: 0, seen: [], server: undefined as unknown as Server };
  listener.server = createServer((req, res) => {
    listener.seen.push(req.headers);
    if (redirectTo) {
      // A Basic challenge first, so the prober sends the credential it holds for this registry.
      if (req.url === '/v2/' || !req.headers.authorization)
        return void res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
      return void res.writeHead(307, { location: `${redirectTo()}${req.url ?? '/'}` }).end();
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"NAME_UNKNOWN"}]}');
  });
  listener.server.on('connection', () => listener.contacts++);
  await new Promise<void>((resolve) => listener.server.listen(port, host, resolve));
  return Object.assign(listener, { port: (listener.server.address() as AddressInfo).port });
}

let any4: Listener; // 0.0.0.0: catches 127.0.0.1, 0.0.0.0 and every IPv4 spelling of loopback
let v6: Listener; // ::1 on the same port number
let sameHost: Listener; // 127.0.0.1:other port, reached by a redirect from the listed registry
const redirectors: Listener[] = [];
const redirectTargets: Array<() => string> = [];
let prober: ClosableRegistryProber;
let handler: ReturnType<typeof createAdmissionHandler>;
const rows: Array<[string, string, number]> = [];

const lookup = ((hostname: string, options: unknown, callback: unknown) => {
  if (hostname === 'kubernetes.default.svc' || hostname === 'rebind.example') {
    const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
    return all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4);
  }
  return (dnsLookup as (h: string, o: unknown, c: unknown) => void)(hostname, options, callback);
}) as unknown as LookupFunction;

beforeAll(async () => {
  any4 = await listen('0.0.0.0');
  v6 = await listen('::1', any4.port).catch(() => listen('::1'));
  sameHost = await listen('127.0.0.1');
  redirectTargets.push(
    () => `http://127.0.0.2:${any4.port}`,
    () => `http://[::1]:${v6.port}`,
    () => 'http://169.254.169.254',
    () => `http://localhost:${any4.port}`,
    () => `http://kubernetes.default.svc:${any4.port}`,
    () => `http://127.0.0.1:${sameHost.port}`, // same host, other origin: credentials must be dropped
  );
  for (const target of redirectTargets) redirectors.push(await listen('127.0.0.1', 0, target));
  const config = buildConfig({
    registries: redirectors.map((r) => ({ prefix: `127.0.0.1:${r.port}`, insecure: true })),
    budgetMs: 2000,
    probe: { timeoutMs: 1000, negativeCacheTtlSeconds: 0 },
  });
  const auths = Object.fromEntries(
    redirectors.map((r) => [
      `127.0.0.1:${r.port}`,
      { auth: Buffer.from(`user:${MARKER_PASSWORD}`).toString('base64') },
    ]),
  );
  const cluster = new ManifestClusterView([
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/dockerconfigjson',
      metadata: { name: 'regcred', namespace: 'team' },
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths })).toString('base64') },
    },
  ]);
  prober = createRegistryProber(config, { lookup });
  handler = createAdmissionHandler({
    config: () => config,
    sources: { prober, cluster },
    logger: silentLogger,
  });
});

afterAll(async () => {
  await prober?.close();
  for (const l of [any4, v6, sameHost, ...redirectors])
    await new Promise<void>((resolve) => l?.server.close(() => resolve()));
  const contacts = any4.contacts + v6.contacts;
  const leaked = sameHost.seen.filter((h) => h.authorization !== undefined).length;
  recordFigure({
    item: '5-ssrf',
    title: 'SSRF',
    pass: contacts === 0 && leaked === 0 && rows.length > 0,
    table: [
      ['image', 'answer', 'contacts'],
      ...rows,
      ['total attempts', String(rows.length), contacts],
      ['credentials sent across a redirect', '', leaked],
    ],
  });
});

async function admit(image: string): Promise<string> {
  const outcome = await handler.handle(
    {
      uid: 'u',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: 'pods',
      subResource: '',
      namespace: 'team',
      name: 'p',
      operation: 'CREATE',
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'team' },
        spec: { imagePullSecrets: [{ name: 'regcred' }], containers: [{ name: 'c', image }] },
      },
      oldObject: null,
      dryRun: false,
    },
    'validate',
  );
  const r = outcome.response.response;
  const rules = [...(r.warnings ?? []), r.status?.message ?? '']
    .map((w) => /^\[([^\]]+)\]/.exec(w)?.[1])
    .filter((id): id is string => id !== undefined && id !== 'image-tag-mutable');
  return `${r.allowed ? 'allowed' : 'denied'} ${[...new Set(rules)].join(' ')}`.trim();
}

describe('SSRF', () => {
  it('never contacts loopback, metadata or "this host" addresses named by unlisted images', async () => {
    const p = any4.port;
    const images = [
      `127.0.0.1:${p}/app:1`,
      `0.0.0.0:${p}/app:1`,
      `127.1:${p}/app:1`,
      `2130706433:${p}/app:1`,
      `0x7f000001:${p}/app:1`,
      `0x7f.0.0.1:${p}/app:1`,
      `[::1]:${v6.port}/app:1`,
      `[::ffff:127.0.0.1]:${p}/app:1`,
      `[::ffff:7f00:1]:${p}/app:1`,
      `169.254.169.254/latest/meta-data:1`,
      `169.254.169.254:80/app:1`,
      `localhost:${p}/app:1`,
      `kubernetes.default.svc:${p}/app:1`,
      `kubernetes.default.svc/app:1`,
      `rebind.example:${p}/app:1`,
    ];
    for (const image of images) {
      const before = any4.contacts + v6.contacts;
      rows.push([image, await admit(image), any4.contacts + v6.contacts - before]);
    }
    expect(rows.filter((row) => row[2] > 0)).toEqual([]);
  });

  it('follows no redirect from a listed registry to loopback, metadata or the API service', async () => {
    for (const redirector of redirectors.slice(0, -1)) {
      const before = any4.contacts + v6.contacts;
      const image = `127.0.0.1:${redirector.port}/app:1`;
      const answer = await admit(image);
      const target = redirectTargets[redirectors.indexOf(redirector)]?.() ?? '';
      rows.push([`${image} (redirects to ${target})`, answer, any4.contacts + v6.contacts - before]);
    }
    expect(any4.contacts + v6.contacts).toBe(0);
  });

  it('drops credentials on a redirect to another origin', async () => {
    const redirector = redirectors.at(-1)!;
    rows.push([
      `127.0.0.1:${redirector.port}/app:1 (redirects, same host)`,
      await admit(`127.0.0.1:${redirector.port}/app:1`),
      0,
    ]);
    expect(redirector.seen.some((h) => h.authorization?.startsWith('Basic '))).toBe(true);
    expect(sameHost.seen.length).toBeGreaterThan(0);
    expect(sameHost.seen.filter((h) => h.authorization !== undefined)).toEqual([]);
  });
});
