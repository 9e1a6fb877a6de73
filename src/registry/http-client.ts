// HTTP/1.1 and TLS to registries with undici: one connection pool per configured registry (its
// own CA), a guarded DNS lookup for unlisted registries, bounded bodies, a per-request timeout
// joined with the caller's signal, and redirects followed by hand so credentials stay on their host.

import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { Agent, request, type Dispatcher } from 'undici';
import type { RegistryConfig } from '../config/schema.js';
import { AddressGuard, canonicalHost } from './address-guard.js';

export type LookupFunction = typeof dnsLookup;

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The URL that answered, after redirects. */
  readonly url: URL;
}

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD';
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** Which registry entry governs this request (its CA); undefined for an unlisted registry. */
  readonly entry: RegistryConfig | undefined;
  readonly maxBodyBytes: number;
  readonly signal?: AbortSignal;
}

/** Errors the client raises itself; the classifier maps them to outcomes. */
export class ClientError extends Error {
  constructor(
    readonly code: 'EBLOCKED' | 'ETOOLARGE' | 'EREDIRECT' | 'ETIMEDOUT_PROBE',
    message: string,
  ) {
    super(message);
  }
}

const MAX_REDIRECTS = 3;

export class RegistryHttpClient {
  private readonly agents = new Map<string, Agent>();
  private readonly guard: AddressGuard;

  constructor(
    blockedCidrs: readonly string[],
    private readonly timeoutMs: number,
    private readonly lookup: LookupFunction = dnsLookup,
  ) {
    this.guard = new AddressGuard(blockedCidrs);
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    let url = req.url;
    let headers = { ...req.headers };
    for (let hop = 0; ; hop++) {
      // A listed registry's trust (no address guard, its CA) covers its own host only: a
      // redirect elsewhere is an unlisted host, checked like any other.
      const entry = url.hostname === req.url.hostname ? req.entry : undefined;
      const response = await this.once({ ...req, url, headers, entry });
      const location = response.headers['location'];
      if (response.status < 300 || response.status >= 400 || response.status === 304 || !location)
        return response;
      if (hop >= MAX_REDIRECTS) throw new ClientError('EREDIRECT', `more than ${MAX_REDIRECTS} redirects`);
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && next.protocol !== 'http:')
        throw new ClientError('EREDIRECT', 'redirect to a non-HTTP URL');
      if (url.protocol === 'https:' && next.protocol === 'http:')
        throw new ClientError('EREDIRECT', 'redirect from HTTPS to HTTP');
      // Credentials were issued for the original origin only.
      if (next.origin !== url.origin) headers = withoutAuthorization(headers);
      url = next;
    }
  }

  /** Drops every connection at once: probes still running end as failed, nothing waits for them. */
  async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((agent) => agent.destroy()));
    this.agents.clear();
  }

  private async once(req: HttpRequest): Promise<HttpResponse> {
    const host = canonicalHost(req.url.hostname);
    if (!req.entry && isIP(host.replace(/^\[|\]$/g, '')) !== 0 && this.guard.isBlocked(host)) {
      throw new ClientError('EBLOCKED', 'address is loopback, link-local or in a blocked range');
    }
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(req.url, {
        method: req.method,
        headers: req.headers,
        dispatcher: this.agentFor(req.entry),
        signal,
      });
    } catch (error) {
      if (timeout.aborted && !req.signal?.aborted)
        throw new ClientError('ETIMEDOUT_PROBE', 'request timed out');
      throw error;
    }
    const body = await readBounded(response.body, req.maxBodyBytes).catch((error: unknown) => {
      if (timeout.aborted && !req.signal?.aborted)
        throw new ClientError('ETIMEDOUT_PROBE', 'response timed out');
      throw error;
    });
    return { status: response.statusCode, headers: flatten(response.headers), body, url: req.url };
  }

  private agentFor(entry: RegistryConfig | undefined): Agent {
    const key = entry ? `listed:${entry.prefix}` : 'unlisted';
    let agent = this.agents.get(key);
    if (!agent) {
      const ca = entry?.ca ? [...rootCertificates, readFileSync(entry.ca, 'utf8')] : undefined;
      agent = new Agent({
        connect: {
          timeout: this.timeoutMs,
          ...(ca ? { ca } : {}),
          // Listed registries are trusted by the operator; every other connection is checked
          // on the address the socket really uses.
          ...(entry ? {} : { lookup: this.guardedLookup() }),
        },
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        connections: 64,
      });
      this.agents.set(key, agent);
    }
    return agent;
  }

  private guardedLookup(): LookupFunction {
    const base = this.lookup;
    const guard = this.guard;
    const guarded = (hostname: string, options: unknown, callback: unknown): void => {
      const cb = (typeof options === 'function' ? options : callback) as (
        err: NodeJS.ErrnoException | null,
        address: string | LookupAddress[],
        family?: number,
      ) => void;
      const opts = typeof options === 'function' || options === undefined ? {} : options;
      (base as (h: string, o: unknown, c: typeof cb) => void)(hostname, opts, (err, address, family) => {
        if (err) return cb(err, address, family);
        const list = Array.isArray(address) ? address.map((a) => a.address) : [address];
        if (list.some((a) => guard.isBlocked(a))) {
          return cb(
            new ClientError('EBLOCKED', 'address is loopback, link-local or in a blocked range'),
            address,
            family,
          );
        }
        cb(null, address, family);
      });
    };
    return guarded as unknown as LookupFunction;
  }
}

async function readBounded(body: Dispatcher.ResponseData['body'], max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > max) {
      body.destroy();
      throw new ClientError('ETOOLARGE', `response larger than ${max} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function flatten(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  const copy = { ...headers };
  for (const name of Object.keys(copy)) if (name.toLowerCase() === 'authorization') delete copy[name];
  return copy;
}
