// The real RegistryInspector: manifests through the shared registry prober, tags through the
// same HTTP client and authentication, DNS with the system resolver, TLS with a bare handshake.
// Registries are contacted as the kubelet would contact them: diagnose runs with the user's
// own network position, so the webhook's loopback guard does not apply (see withPodRegistries).

import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { connect, rootCertificates, type PeerCertificate } from 'node:tls';
import type { Config, RegistryConfig } from '../config/schema.js';
import type { ProbeResult, PullCredential } from '../core/facts.js';
import { splitHostPort } from '../credentials/go-url.js';
import type { ImageReference } from '../image/reference.js';
import { basicAuthorization, bearerToken, registryChallenge, type AuthDeps } from '../registry/auth.js';
import { parseChallenge } from '../registry/challenge.js';
import { classifyError, classifyStatus } from '../registry/classify.js';
import { RegistryHttpClient } from '../registry/http-client.js';
import { createRegistryProber } from '../registry/prober.js';
import { apiHost, matchRegistry } from '../registry/registry-match.js';
import { SharedCache } from '../registry/shared-cache.js';
import { credentialIdentity, type ProbeTarget } from '../registry/target.js';
import type { RegistryInspector, TagsAnswer } from './inspector.js';
import type { TlsEvidence } from './types.js';

const TAGS_BODY_LIMIT = 4 * 1024 * 1024;
const TLS_TIMEOUT_MS = 5000;

/**
 * The config with an entry for each registry of the pod that none matches, so those are "listed"
 * (probed even on loopback). containerd speaks plain HTTP to localhost and 127.0.0.1 registries
 * unless told otherwise; other unlisted registries get HTTPS.
 */
export function withPodRegistries(config: Config, refs: readonly ImageReference[]): Config {
  const added: RegistryConfig[] = [];
  for (const ref of refs) {
    if (matchRegistry(config, ref) || added.some((entry) => entry.prefix === ref.domain)) continue;
    added.push({ prefix: ref.domain, private: false, insecure: isLocalhost(ref.domain) });
  }
  if (added.length === 0) return config;
  return Object.freeze({ ...config, registries: Object.freeze([...config.registries, ...added]) });
}

function isLocalhost(domain: string): boolean {
  const host = splitHostPort(domain).host.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export function createLiveInspector(config: Config): RegistryInspector {
  const probeConfig = Object.freeze({
    ...config,
    // Diagnose is interactive, not bound by the admission budget: give slow registries time.
    probe: Object.freeze({ ...config.probe, timeoutMs: Math.max(config.probe.timeoutMs, 10_000) }),
  });
  const prober = createRegistryProber(probeConfig);
  const client = new RegistryHttpClient(config.probe.blockedCidrs, probeConfig.probe.timeoutMs);
  const now = Date.now;
  const auth: AuthDeps = {
    client,
    challenges: new SharedCache(100, now),
    tokens: new SharedCache(100, now),
    limit: (_registry, task) => task(),
    challengeTtlMs: 60_000,
    negativeTtlMs: 0,
  };

  const target = (ref: ImageReference, credential?: PullCredential): ProbeTarget => {
    const entry = matchRegistry(config, ref);
    return {
      origin: origin(ref),
      registry: ref.domain,
      repository: ref.path,
      reference: 'tags',
      entry,
      ...(credential ? { credential } : {}),
      credentialId: credentialIdentity(credential),
    };
  };
  const origin = (ref: ImageReference) =>
    `${matchRegistry(config, ref)?.insecure ? 'http' : 'https'}://${apiHost(ref.domain)}`;

  return {
    async manifest(ref, credential) {
      const request = { pointer: 'image', ref, credentials: credential ? [credential] : [] };
      const facts = (await prober.probe([request], AbortSignal.timeout(60_000))).get('image');
      const result = credential ? facts?.withCredentials?.[0]?.result : facts?.anonymous;
      return result ?? { outcome: 'timeout', detail: facts?.skipped ?? 'no answer' };
    },
    async tags(ref, credential) {
      return listTags(auth, target(ref, credential));
    },
    async dns(host) {
      const name = splitHostPort(apiHost(host)).host.replace(/^\[|\]$/g, '');
      if (isIP(name) !== 0) return { addresses: [name] };
      try {
        const answers = await lookup(name, { all: true });
        return { addresses: answers.map((answer) => answer.address).slice(0, 8) };
      } catch (error) {
        return { error: (error as NodeJS.ErrnoException).code ?? 'lookup failed' };
      }
    },
    async tls(ref) {
      const entry = matchRegistry(config, ref);
      if (entry?.insecure) return { status: 'plain-http' };
      return handshake(apiHost(ref.domain), entry);
    },
    origin,
    async close() {
      await Promise.all([prober.close(), client.close()]);
    },
  };
}

async function listTags(deps: AuthDeps, target: ProbeTarget): Promise<TagsAnswer> {
  try {
    const url = new URL(`/v2/${target.repository}/tags/list?n=1000`, target.origin);
    const answer = await registryChallenge(deps, target);
    if ('failed' in answer) return { outcome: answer.failed.outcome };
    let header: string | undefined;
    const challenge = answer.challenge;
    if (challenge?.scheme === 'basic') header = basicAuthorization(target);
    if (challenge?.scheme === 'bearer') {
      const token = await bearerToken(deps, target, challenge);
      if ('failed' in token) return failed(token.failed);
      header = `Bearer ${token.token}`;
    }
    const send = (authorization: string | undefined) =>
      deps.client.send({
        method: 'GET',
        url,
        headers: authorization ? { authorization } : {},
        entry: target.entry,
        maxBodyBytes: TAGS_BODY_LIMIT,
      });
    let response = await send(header);
    if (response.status === 401 && !header) {
      const repoChallenge = parseChallenge(response.headers['www-authenticate']);
      if (repoChallenge?.scheme === 'bearer') {
        const token = await bearerToken(deps, target, repoChallenge, true);
        if ('failed' in token) return failed(token.failed);
        response = await send(`Bearer ${token.token}`);
      }
    }
    if (response.status !== 200)
      return failed(classifyStatus(response.status, response.headers, response.body));
    const parsed = JSON.parse(response.body.toString('utf8')) as { tags?: unknown };
    const tags = Array.isArray(parsed.tags)
      ? parsed.tags.filter((tag): tag is string => typeof tag === 'string' && /^[\w][\w.-]{0,127}$/.test(tag))
      : [];
    return { outcome: 'ok', httpStatus: 200, tags };
  } catch (error) {
    if (error instanceof SyntaxError) return { outcome: 'protocol-error', httpStatus: 200 };
    return failed(classifyError(error));
  }
}

function failed(result: ProbeResult): TagsAnswer {
  return {
    outcome: result.outcome,
    ...(result.httpStatus !== undefined ? { httpStatus: result.httpStatus } : {}),
  };
}

/** One TLS handshake, verifying as Node does with the configured CA; never sends a request. */
function handshake(hostPort: string, entry: RegistryConfig | undefined): Promise<TlsEvidence> {
  const { host, port } = splitHostPort(hostPort);
  const name = host.replace(/^\[|\]$/g, '');
  let ca: string[] | undefined;
  try {
    ca = entry?.ca ? [...rootCertificates, readFileSync(entry.ca, 'utf8')] : undefined;
  } catch (error) {
    return Promise.resolve({
      status: 'failed',
      error: `cannot read CA ${entry?.ca}: ${(error as NodeJS.ErrnoException).code}`,
    });
  }
  return new Promise((resolve) => {
    const socket = connect({
      host: name,
      port: port ? Number(port) : 443,
      ...(isIP(name) === 0 ? { servername: name } : {}),
      ...(ca ? { ca } : {}),
      rejectUnauthorized: false,
      timeout: TLS_TIMEOUT_MS,
    });
    const finish = (evidence: TlsEvidence) => {
      socket.destroy();
      resolve(evidence);
    };
    socket.once('secureConnect', () => {
      const cert: PeerCertificate = socket.getPeerCertificate();
      const details = {
        ...(cert.subject?.CN ? { subject: String(cert.subject.CN) } : {}),
        ...(cert.valid_to ? { validTo: new Date(cert.valid_to).toISOString() } : {}),
      };
      if (socket.authorized) finish({ status: 'trusted', ...details });
      else {
        const reason = socket.authorizationError;
        finish({
          status: 'untrusted',
          error: String(
            reason instanceof Error ? ((reason as NodeJS.ErrnoException).code ?? reason.message) : reason,
          ),
          ...details,
        });
      }
    });
    socket.once('timeout', () => finish({ status: 'failed', error: 'handshake timed out' }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish({ status: 'failed', error: error.code ?? 'TLS handshake failed' }),
    );
  });
}
