// When a serving certificate must be replaced, and which CAs the webhooks must trust meanwhile.
// Pure functions of PEM text and a time, so rotation is testable with any clock.

import { X509Certificate } from 'node:crypto';

/** What the self-managed mode keeps in its Secret (type kubernetes.io/tls). */
export interface StoredCertificate {
  readonly cert: string;
  readonly key: string;
  /** The CA that signed `cert`. */
  readonly ca: string;
  /** What the webhooks trust: the current CA, then the previous one while its certificate lives. */
  readonly caBundle: string;
  /** Incremented on every rotation; orders writers of caBundle (see ca-bundle.ts). */
  readonly generation: number;
}

export interface RotationPolicy {
  /** Rotate when less than this share of the validity remains (default 1/3). */
  readonly rotateFraction: number;
  /** Names the certificate must carry; a Secret without them is replaced. */
  readonly dnsNames: readonly string[];
}

export type RotationReason = 'missing' | 'unreadable' | 'expiring' | 'names-changed' | undefined;

/** Why `stored` must be replaced at `now`, or undefined when it is good. */
export function rotationReason(
  stored: StoredCertificate | undefined,
  now: Date,
  policy: RotationPolicy,
): RotationReason {
  if (!stored) return 'missing';
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(stored.cert);
  } catch {
    return 'unreadable';
  }
  const from = new Date(cert.validFrom).getTime();
  const to = new Date(cert.validTo).getTime();
  if (!(to > from)) return 'unreadable';
  if (to - now.getTime() < (to - from) * policy.rotateFraction) return 'expiring';
  const names = new Set(
    (cert.subjectAltName ?? '')
      .split(', ')
      .filter((entry) => entry.startsWith('DNS:'))
      .map((entry) => entry.slice(4)),
  );
  return policy.dnsNames.every((name) => names.has(name)) ? undefined : 'names-changed';
}

/** The CA bundle after a rotation: the new CA, plus the old one while certificates it signed live. */
export function nextCaBundle(newCa: string, previous: StoredCertificate | undefined, now: Date): string {
  if (!previous) return newCa;
  try {
    const old = new X509Certificate(previous.cert);
    if (new Date(old.validTo).getTime() <= now.getTime()) return newCa;
    new X509Certificate(previous.ca);
  } catch {
    return newCa;
  }
  return `${newCa.trimEnd()}\n${previous.ca.trimEnd()}\n`;
}
