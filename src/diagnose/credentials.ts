// Which credentials of the pod's pull secrets the kubelet will use for an image (its own keyring
// rules, reused), and which ones were meant for the registry but miss it: the same host under
// another port or path, or Docker Hub credentials stored under `registry-1.docker.io`.

import type { PullCredential } from '../core/facts.js';
import { lookupCredentials, normalizeKey } from '../credentials/keyring.js';
import { parseGoUrl, splitHostPort } from '../credentials/go-url.js';
import { DOCKER_HUB_DOMAIN, repositoryName, type ImageReference } from '../image/reference.js';

export interface NearMiss {
  readonly credential: PullCredential;
  readonly mismatch: string;
}

export interface CredentialMatches {
  readonly kubelet: readonly PullCredential[];
  readonly nearMisses: readonly NearMiss[];
}

const DOCKER_HUB_ALIASES = new Set(['registry-1.docker.io', 'hub.docker.com', 'registry.hub.docker.com']);

export function matchCredentials(
  credentials: readonly PullCredential[],
  ref: ImageReference,
): CredentialMatches {
  const name = repositoryName(ref);
  const kubelet = lookupCredentials(credentials, name);
  const used = new Set(kubelet);
  const nearMisses: NearMiss[] = [];
  const target = parseGoUrl(`https://${name}`);
  if (!target) return { kubelet, nearMisses };
  const image = splitHostPort(target.host);
  for (const credential of credentials) {
    if (used.has(credential)) continue;
    const normalized = normalizeKey(credential.key);
    const key = normalized === undefined ? undefined : parseGoUrl(`https://${normalized}`);
    if (!key) continue;
    const keyHost = splitHostPort(key.host);
    const sameHost = keyHost.host.toLowerCase() === image.host.toLowerCase();
    if (ref.domain === DOCKER_HUB_DOMAIN && DOCKER_HUB_ALIASES.has(keyHost.host.toLowerCase())) {
      nearMisses.push({
        credential,
        mismatch: `the kubelet does not match ${keyHost.host} for Docker Hub images; the key must be https://index.docker.io/v1/ (or docker.io)`,
      });
    } else if (sameHost && keyHost.port !== image.port) {
      nearMisses.push({
        credential,
        mismatch: `the key's port (${keyHost.port || 'none'}) differs from the image's (${image.port || 'none'}); the kubelet requires the same port`,
      });
    } else if (sameHost && !target.path.startsWith(key.path)) {
      nearMisses.push({
        credential,
        mismatch: `the key's path ${key.path} is not a prefix of the repository ${target.path}`,
      });
    }
  }
  return { kubelet, nearMisses };
}

/** The key a `kubectl create secret docker-registry --docker-server` should use for this image. */
export function serverKeyFor(ref: ImageReference): string {
  return ref.domain === DOCKER_HUB_DOMAIN ? 'https://index.docker.io/v1/' : ref.domain;
}
