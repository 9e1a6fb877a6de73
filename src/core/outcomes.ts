// One vocabulary for "what happened when this image was (or would be) pulled", shared by the
// registry prober (admission), the runtime watcher (kubelet outcomes) and diagnose, so predictions
// and outcomes can be joined and counted by the same labels.

export const PULL_OUTCOMES = [
  'ok', // the manifest exists (prober) or the image was pulled (watcher)
  'not-found', // tag, digest or repository absent (registries hide private repos behind this too)
  'unauthorized', // 401: no or wrong credentials
  'forbidden', // 403: credentials accepted but not allowed to pull
  'rate-limited', // 429 / toomanyrequests
  'platform-mismatch', // no index entry for the node's os/arch
  'dns-nxdomain', // the registry host has no DNS record
  'dns-temporary', // DNS server failure or timeout: may resolve later
  'connection-refused',
  'connection-reset',
  'timeout',
  'tls-error',
  'protocol-error', // the registry answered something that is not the distribution API
  'never-pull', // imagePullPolicy Never and the image is not on the node
  'invalid-name', // the reference breaks the grammar
  'blocked', // the prober refused to contact the address (loopback, link-local, configured ranges)
  'unknown',
] as const;

export type PullOutcome = (typeof PULL_OUTCOMES)[number];

/** Outcomes that say nothing certain about the image, only that the registry could not be asked. */
const UNREACHABLE: ReadonlySet<PullOutcome> = new Set([
  'dns-temporary',
  'connection-refused',
  'connection-reset',
  'timeout',
  'tls-error',
  'protocol-error',
]);

export function isUnreachable(outcome: PullOutcome): boolean {
  return UNREACHABLE.has(outcome);
}

export function isPullOutcome(value: unknown): value is PullOutcome {
  return typeof value === 'string' && (PULL_OUTCOMES as readonly string[]).includes(value);
}
