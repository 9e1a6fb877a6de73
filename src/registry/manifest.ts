// One manifest probe: HEAD with all four media types, authenticated as the registry's challenge
// asks; GET only when the digest header is missing or an index must be read for its platforms.

import { createHash } from 'node:crypto';
import type { Platform, ProbeResult } from '../core/facts.js';
import { basicAuthorization, bearerToken, registryChallenge, type AuthDeps } from './auth.js';
import { parseChallenge, type Challenge } from './challenge.js';
import { classifyError, classifyStatus, rateLimitExhausted } from './classify.js';
import type { HttpResponse } from './http-client.js';
import type { ProbeTarget } from './target.js';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const ACCEPT = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST].join(', ');
const MANIFEST_BODY_LIMIT = 4 * 1024 * 1024;
const MAX_PLATFORMS = 256;

type Authorization = { readonly header?: string } | { readonly failed: ProbeResult };

export async function probeManifest(deps: AuthDeps, target: ProbeTarget): Promise<ProbeResult> {
  try {
    const answer = await registryChallenge(deps, target);
    if ('failed' in answer) return answer.failed;
    let auth = await authorize(deps, target, answer.challenge, false);
    if ('failed' in auth) return auth.failed;
    let head = await send(deps, target, 'HEAD', target.reference, auth.header);
    if (head.status === 401 && !auth.header) {
      // `/v2/` was open but this repository is protected: answer the repository's own challenge once.
      const challenge = parseChallenge(head.headers['www-authenticate']);
      const retry = challenge ? await authorize(deps, target, challenge, true) : undefined;
      if (retry && 'failed' in retry) return retry.failed;
      if (retry?.header && retry.header !== auth.header) {
        auth = retry;
        head = await send(deps, target, 'HEAD', target.reference, auth.header);
      }
    }
    if (head.status !== 200) return classifyStatus(head.status, head.headers, head.body);
    if (rateLimitExhausted(head.headers)) return classifyStatus(429, head.headers, head.body);
    return await describe(deps, target, auth.header, head);
  } catch (error) {
    return classifyError(error);
  }
}

async function authorize(
  deps: AuthDeps,
  target: ProbeTarget,
  challenge: Challenge | undefined,
  fresh: boolean,
): Promise<Authorization> {
  if (!challenge) return {};
  if (challenge.scheme === 'basic') {
    const header = basicAuthorization(target);
    return header ? { header } : {};
  }
  const token = await bearerToken(deps, target, challenge, fresh);
  if ('failed' in token) return token;
  return { header: `Bearer ${token.token}` };
}

/** The 200 answer's digest and, for an index, its platforms. */
async function describe(
  deps: AuthDeps,
  target: ProbeTarget,
  authorization: string | undefined,
  head: HttpResponse,
): Promise<ProbeResult> {
  const headerDigest = validDigest(head.headers['docker-content-digest']);
  const mediaType = (head.headers['content-type'] ?? '').split(';')[0]?.trim();
  const isIndex = mediaType === OCI_INDEX || mediaType === DOCKER_LIST;
  if (headerDigest && !isIndex) return { outcome: 'ok', digest: headerDigest, httpStatus: 200 };
  const get = await send(deps, target, 'GET', headerDigest ?? target.reference, authorization);
  if (get.status !== 200) return classifyStatus(get.status, get.headers, get.body);
  const digest =
    headerDigest ??
    validDigest(get.headers['docker-content-digest']) ??
    `sha256:${createHash('sha256').update(get.body).digest('hex')}`;
  const platforms = indexPlatforms(get.body);
  if (platforms === 'invalid')
    return { outcome: 'protocol-error', httpStatus: 200, detail: 'manifest is not valid JSON' };
  return { outcome: 'ok', digest, httpStatus: 200, ...(platforms ? { platforms } : {}) };
}

async function send(
  deps: AuthDeps,
  target: ProbeTarget,
  method: 'HEAD' | 'GET',
  reference: string,
  authorization: string | undefined,
) {
  const url = new URL(`/v2/${target.repository}/manifests/${reference}`, target.origin);
  const headers: Record<string, string> = { accept: ACCEPT };
  if (authorization) headers['authorization'] = authorization;
  deps.onRequest?.(target.registry, 'manifest');
  return deps.limit(target.registry, () =>
    deps.client.send({
      method,
      url,
      headers,
      entry: target.entry,
      maxBodyBytes: method === 'HEAD' ? 65536 : MANIFEST_BODY_LIMIT,
    }),
  );
}

function validDigest(value: string | undefined): string | undefined {
  return value !== undefined && /^sha256:[a-f0-9]{64}$/.test(value.trim()) ? value.trim() : undefined;
}

/** The os/architecture/variant of each entry of an index; undefined for a plain manifest. */
export function indexPlatforms(body: Buffer): readonly Platform[] | undefined | 'invalid' {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return 'invalid';
  }
  const manifests = (parsed as { manifests?: unknown }).manifests;
  if (!Array.isArray(manifests)) return undefined;
  const platforms: Platform[] = [];
  for (const entry of manifests.slice(0, MAX_PLATFORMS)) {
    const platform = (entry as { platform?: Record<string, unknown> } | null)?.platform;
    const os = safeToken(platform?.os);
    const architecture = safeToken(platform?.architecture);
    if (!os || !architecture || os === 'unknown') continue; // attestation entries say unknown/unknown
    const variant = safeToken(platform?.variant);
    platforms.push({ os, architecture, ...(variant ? { variant } : {}) });
  }
  return platforms;
}

/** Registry text that reaches messages is limited to short lowercase tokens. */
function safeToken(value: unknown): string | undefined {
  return typeof value === 'string' && /^[a-z0-9._-]{1,32}$/.test(value) ? value : undefined;
}
