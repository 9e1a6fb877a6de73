// Registry authentication: one coalesced, cached `GET /v2/` per registry learns its challenge;
// Bearer tokens are fetched from the realm (with the credential's Basic auth, or anonymously) and
// cached per realm, service, scope and credential identity for their `expires_in` (default 60 s).

import type { ProbeResult } from '../core/facts.js';
import { parseChallenge, type Challenge } from './challenge.js';
import { classifyError, classifyStatus } from './classify.js';
import type { RegistryHttpClient } from './http-client.js';
import type { SharedCache } from './shared-cache.js';
import type { ProbeTarget } from './target.js';

export type ChallengeAnswer =
  { readonly challenge: Challenge | undefined } | { readonly failed: ProbeResult };
export type TokenAnswer = { readonly token: string } | { readonly failed: ProbeResult };

const TOKEN_BODY_LIMIT = 1024 * 1024;
const DEFAULT_TOKEN_SECONDS = 60;

export interface AuthDeps {
  readonly client: RegistryHttpClient;
  readonly challenges: SharedCache<ChallengeAnswer>;
  readonly tokens: SharedCache<TokenAnswer>;
  readonly limit: <T>(registry: string, task: () => Promise<T>) => Promise<T>;
  readonly challengeTtlMs: number;
  readonly negativeTtlMs: number;
  /** Counts requests by kind, for metrics. */
  readonly onRequest?: (registry: string, kind: 'ping' | 'token' | 'manifest') => void;
}

export function basicAuthorization(target: ProbeTarget): string | undefined {
  if (!target.credential) return undefined;
  const { username, password } = target.credential;
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** The registry's challenge, from its `/v2/` endpoint (shared by every repository of the registry). */
export async function registryChallenge(deps: AuthDeps, target: ProbeTarget): Promise<ChallengeAnswer> {
  const { value } = await deps.challenges.get(target.origin, async () => {
    try {
      deps.onRequest?.(target.registry, 'ping');
      const response = await deps.limit(target.registry, () =>
        deps.client.send({
          method: 'GET',
          url: new URL('/v2/', target.origin),
          headers: {},
          entry: target.entry,
          maxBodyBytes: 65536,
        }),
      );
      const challenge =
        response.status === 401 ? parseChallenge(response.headers['www-authenticate']) : undefined;
      return { value: { challenge }, ttlMs: deps.challengeTtlMs };
    } catch (error) {
      return { value: { failed: classifyError(error) }, ttlMs: 0 };
    }
  });
  return value;
}

/** A Bearer token for pulling the target's repository; `fresh` skips the cache (a token was refused). */
export async function bearerToken(
  deps: AuthDeps,
  target: ProbeTarget,
  challenge: Extract<Challenge, { scheme: 'bearer' }>,
  fresh = false,
): Promise<TokenAnswer> {
  const scope = `repository:${target.repository}:pull`;
  const key = `${challenge.realm}|${challenge.service ?? ''}|${scope}|${target.credentialId}`;
  if (fresh) deps.tokens.delete(key);
  const { value } = await deps.tokens.get(key, async () => fetchToken(deps, target, challenge, scope));
  return value;
}

async function fetchToken(
  deps: AuthDeps,
  target: ProbeTarget,
  challenge: Extract<Challenge, { scheme: 'bearer' }>,
  scope: string,
): Promise<{ value: TokenAnswer; ttlMs: number }> {
  let url: URL;
  try {
    url = new URL(challenge.realm);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('realm is not HTTP');
  } catch {
    return { value: { failed: { outcome: 'protocol-error', detail: 'invalid token realm' } }, ttlMs: 0 };
  }
  if (challenge.service) url.searchParams.set('service', challenge.service);
  url.searchParams.set('scope', scope);
  const headers: Record<string, string> = {};
  const basic = basicAuthorization(target);
  // Credentials go to the realm only over TLS or on the registry's own host.
  if (basic && (url.protocol === 'https:' || url.hostname === new URL(target.origin).hostname))
    headers['authorization'] = basic;
  try {
    deps.onRequest?.(target.registry, 'token');
    const response = await deps.limit(target.registry, () =>
      deps.client.send({
        method: 'GET',
        url,
        headers,
        // The registry's listing covers a realm on its own host only (see RegistryHttpClient.send).
        entry: url.hostname === new URL(target.origin).hostname ? target.entry : undefined,
        maxBodyBytes: TOKEN_BODY_LIMIT,
      }),
    );
    if (response.status !== 200) {
      return {
        value: { failed: classifyStatus(response.status, response.headers, response.body) },
        ttlMs: deps.negativeTtlMs,
      };
    }
    const parsed = JSON.parse(response.body.toString('utf8')) as {
      token?: unknown;
      access_token?: unknown;
      expires_in?: unknown;
    };
    const token = typeof parsed.token === 'string' && parsed.token ? parsed.token : parsed.access_token;
    if (typeof token !== 'string' || token.length === 0 || /[\r\n]/.test(token)) {
      return {
        value: { failed: { outcome: 'protocol-error', detail: 'token server answered without a token' } },
        ttlMs: 0,
      };
    }
    const seconds =
      typeof parsed.expires_in === 'number' && parsed.expires_in > 0
        ? parsed.expires_in
        : DEFAULT_TOKEN_SECONDS;
    // Refresh a little early so a token never expires between the cache and the registry.
    return { value: { token }, ttlMs: Math.max(0, seconds * 1000 - 5000) };
  } catch (error) {
    if (error instanceof SyntaxError) {
      return {
        value: { failed: { outcome: 'protocol-error', detail: 'token server answered invalid JSON' } },
        ttlMs: 0,
      };
    }
    return { value: { failed: classifyError(error) }, ttlMs: 0 };
  }
}
