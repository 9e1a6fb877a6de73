// Kubelet waiting reasons and runtime error texts -> the shared PullOutcome vocabulary, so a
// kubelet failure and a registry probe answer land in the same category and can be compared.
// The runtime text is matched, not the reason alone: ErrImagePull covers every network and
// registry failure. Order matters: specific patterns (platform, DNS timeouts) come before the
// generic ones they contain ("not found", "i/o timeout").

import type { PullOutcome } from '../core/outcomes.js';

/** Waiting reasons that carry their category whatever the message says. */
const REASON_OUTCOMES: Readonly<Record<string, PullOutcome>> = {
  ErrImageNeverPull: 'never-pull',
  InvalidImageName: 'invalid-name',
};

const MESSAGE_PATTERNS: ReadonlyArray<readonly [RegExp, PullOutcome]> = [
  [/is not present with pull policy of Never/i, 'never-pull'],
  [
    /invalid reference format|failed to apply default image tag|couldn't parse image (name|reference)|failed to parse image reference/i,
    'invalid-name',
  ],
  [
    /no match for platform in manifest|no matching manifest for|image with reference .* was found but does not match the specified platform/i,
    'platform-mismatch',
  ],
  [/toomanyrequests|429 too many requests|pull rate limit/i, 'rate-limited'],
  [/\bno such host\b/i, 'dns-nxdomain'],
  [
    /server misbehaving|temporary failure in name resolution|lookup [^ ]+ on [^ ]+: (read udp [^ ]+: )?i\/o timeout|\bEAI_AGAIN\b/i,
    'dns-temporary',
  ],
  [
    /\b401 unauthorized\b|unauthorized: |authentication required|no basic auth credentials|pull access denied|failed to fetch (anonymous|oauth) token/i,
    'unauthorized',
  ],
  [/\b403 forbidden\b|denied: requested access to the resource is denied|\bdenied: /i, 'forbidden'],
  [/connection refused|\bECONNREFUSED\b/i, 'connection-refused'],
  [/connection reset by peer|\bECONNRESET\b/i, 'connection-reset'],
  [/tls handshake timeout/i, 'timeout'],
  [
    /x509: |tls: |certificate (signed by unknown authority|has expired|is not valid)|server gave HTTP response to HTTPS client/i,
    'tls-error',
  ],
  [
    /i\/o timeout|context deadline exceeded|deadlineexceeded|client\.timeout exceeded|\bETIMEDOUT\b|timed out/i,
    'timeout',
  ],
  [
    /code = NotFound|: not found\b|manifest unknown|MANIFEST_UNKNOWN|NAME_UNKNOWN|404 not found|repository does not exist/i,
    'not-found',
  ],
];

/**
 * The category of one kubelet failure. `reason` is the waiting reason or event-derived state,
 * `message` the runtime text (may be empty: `ImagePullBackOff` says only "Back-off pulling image").
 */
export function classifyFailure(reason: string | undefined, message: string | undefined): PullOutcome {
  const byReason = reason === undefined ? undefined : REASON_OUTCOMES[reason];
  if (byReason) return byReason;
  const text = message ?? '';
  for (const [pattern, outcome] of MESSAGE_PATTERNS) if (pattern.test(text)) return outcome;
  return 'unknown';
}

const MAX_MESSAGE = 300;

/**
 * Runtime messages may quote URLs; strip userinfo, token query parameters and bearer tokens
 * before a message is stored, published or shown, and keep it short.
 */
export function sanitizeMessage(message: string): string {
  const cleaned = message
    .replace(/(\/\/)[^/\s@"]+@/g, '$1')
    .replace(
      /([?&](?:access_token|token|password|secret|signature|X-Amz-Signature|X-Amz-Credential)=)[^&\s"]+/gi,
      '$1REDACTED',
    )
    .replace(/(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, '$1 REDACTED')
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return cleaned.length > MAX_MESSAGE ? `${cleaned.slice(0, MAX_MESSAGE - 3)}...` : cleaned;
}
