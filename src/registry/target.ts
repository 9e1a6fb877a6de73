// What one manifest probe is about: the registry's API origin, the repository, the reference and
// the credential (with an identity that keys caches without holding the secret).

import { createHmac, randomBytes } from 'node:crypto';
import type { RegistryConfig } from '../config/schema.js';
import type { PullCredential } from '../core/facts.js';

export interface ProbeTarget {
  /** `https://registry-1.docker.io` or `http://127.0.0.1:5000`. */
  readonly origin: string;
  /** Host and port as written in the image, for metrics and cache keys. */
  readonly registry: string;
  readonly repository: string;
  /** Tag or digest. */
  readonly reference: string;
  readonly entry: RegistryConfig | undefined;
  readonly credential?: PullCredential;
  /** `anonymous` or a keyed hash of secret, key, username and password. */
  readonly credentialId: string;
}

// A per-process key: the identity cannot be reversed or compared across processes, and a rotated
// password gets a fresh cache entry instead of an answer cached for the old one.
const IDENTITY_KEY = randomBytes(32);

// Credentials come from cluster caches that keep the same objects between admissions, so the
// identity is computed once per credential object.
const identities = new WeakMap<PullCredential, string>();

export function credentialIdentity(credential: PullCredential | undefined): string {
  if (!credential) return 'anonymous';
  const known = identities.get(credential);
  if (known) return known;
  const mac = createHmac('sha256', IDENTITY_KEY);
  for (const part of [credential.secretName, credential.key, credential.username, credential.password]) {
    mac.update(part).update('\0');
  }
  const identity = mac.digest('base64url').slice(0, 22);
  identities.set(credential, identity);
  return identity;
}

export function cacheKey(
  target: Pick<ProbeTarget, 'registry' | 'repository' | 'reference' | 'credentialId'>,
): string {
  return `${target.registry}|${target.repository}|${target.reference}|${target.credentialId}`;
}
