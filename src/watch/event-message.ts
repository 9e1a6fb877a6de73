// Parsers for the kubelet's image event texts (pkg/kubelet/images/image_manager.go). The texts
// are stable English strings; anything that does not match yields undefined, never a throw.

import { isFailureState } from './state.js';

/** `Successfully pulled image "IMG" in 1.2s (1.3s including waiting). Image size: N bytes.` */
const PULLED =
  /^Successfully pulled image "([^"]*)" in ([0-9.]+[a-zµ]+(?:[0-9.]+[a-zµ]+)*)(?: \(([0-9.]+[a-zµ]+(?:[0-9.]+[a-zµ]+)*) including waiting\))?\.?(?: Image size: ([0-9]+) bytes\.?)?/;
const CACHED = /^Container image "([^"]*)" already present on machine/;
const PULLING = /^Pulling image "([^"]*)"/;
const FAILED_PULL = /^Failed to pull image "([^"]*)": ([\s\S]*)$/;
const BACKOFF_PULL = /^Back-off pulling image "([^"]*)"/;
const NEVER_PULL = /^Container image "([^"]*)" is not present with pull policy of Never/;
const INSPECT_FAILED = /^Failed to inspect image "([^"]*)": ([\s\S]*)$/;
const DEFAULT_TAG = /^Failed to apply default image tag "([^"]*)": ([\s\S]*)$/;
const ERROR_REASON = /^Error: ([A-Za-z]+)$/;
const MISSING_SECRETS = /^Unable to retrieve some image pull secrets \(([^)]*)\)/;

export interface PulledMessage {
  readonly image: string;
  readonly durationMs?: number;
  readonly waitingMs?: number;
  readonly sizeBytes?: number;
}

export function parsePulled(message: string): PulledMessage | undefined {
  const match = PULLED.exec(message);
  if (!match) return undefined;
  const durationMs = parseGoDuration(match[2] ?? '');
  const waitingMs = match[3] === undefined ? undefined : parseGoDuration(match[3]);
  const size = match[4] === undefined ? undefined : Number(match[4]);
  return {
    image: match[1] ?? '',
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(waitingMs !== undefined ? { waitingMs } : {}),
    ...(size !== undefined && Number.isSafeInteger(size) ? { sizeBytes: size } : {}),
  };
}

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's time.Duration.String() form: `1h2m3.5s`, `850ms`, `1.234567s`. */
export function parseGoDuration(text: string): number | undefined {
  const parts = text.match(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g);
  if (!parts || parts.join('') !== text) return undefined;
  let total = 0;
  for (const part of parts) {
    const [, value, unit] = /([0-9.]+)([a-zµ]+)/.exec(part) ?? [];
    total += Number(value) * (UNIT_MS[unit ?? ''] ?? Number.NaN);
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

export type ImageEventKind =
  | { readonly kind: 'pulling'; readonly image: string }
  | ({ readonly kind: 'pulled' } & PulledMessage)
  | { readonly kind: 'cached'; readonly image: string }
  | { readonly kind: 'pull-failed'; readonly image: string; readonly error: string }
  | { readonly kind: 'backoff'; readonly image: string }
  | { readonly kind: 'never-pull'; readonly image: string }
  | { readonly kind: 'invalid-name'; readonly image: string; readonly error: string }
  | { readonly kind: 'inspect-failed'; readonly image: string; readonly error: string }
  | { readonly kind: 'error-reason'; readonly reason: string }
  | { readonly kind: 'missing-secrets'; readonly names: readonly string[] };

/**
 * What an event (reason + message) says about an image, or undefined when it is not about an
 * image at all: `BackOff` "Back-off restarting failed container" (CrashLoopBackOff) and
 * `Failed` "Error: CreateContainerConfigError" are container troubles, not pull outcomes.
 */
export function parseImageEvent(reason: string, message: string): ImageEventKind | undefined {
  switch (reason) {
    case 'Pulling': {
      const match = PULLING.exec(message);
      return match ? { kind: 'pulling', image: match[1] ?? '' } : undefined;
    }
    case 'Pulled': {
      const cached = CACHED.exec(message);
      if (cached) return { kind: 'cached', image: cached[1] ?? '' };
      const pulled = parsePulled(message);
      return pulled ? { kind: 'pulled', ...pulled } : undefined;
    }
    case 'Failed': {
      const failed = FAILED_PULL.exec(message);
      if (failed) return { kind: 'pull-failed', image: failed[1] ?? '', error: failed[2] ?? '' };
      const error = ERROR_REASON.exec(message)?.[1];
      return error && isFailureState(error) ? { kind: 'error-reason', reason: error } : undefined;
    }
    case 'BackOff': {
      const match = BACKOFF_PULL.exec(message);
      return match ? { kind: 'backoff', image: match[1] ?? '' } : undefined;
    }
    case 'ErrImageNeverPull': {
      const match = NEVER_PULL.exec(message);
      return match ? { kind: 'never-pull', image: match[1] ?? '' } : undefined;
    }
    case 'InspectFailed': {
      const tag = DEFAULT_TAG.exec(message);
      if (tag) return { kind: 'invalid-name', image: tag[1] ?? '', error: tag[2] ?? '' };
      const inspect = INSPECT_FAILED.exec(message);
      return inspect
        ? { kind: 'inspect-failed', image: inspect[1] ?? '', error: inspect[2] ?? '' }
        : undefined;
    }
    case 'FailedToRetrieveImagePullSecret': {
      const match = MISSING_SECRETS.exec(message);
      if (!match) return undefined;
      const names = (match[1] ?? '')
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);
      return { kind: 'missing-secrets', names };
    }
    default:
      return undefined;
  }
}

/** `spec.containers{api}` / `spec.initContainers{init}` -> the container name. */
export function containerFromFieldPath(fieldPath: unknown): string | undefined {
  if (typeof fieldPath !== 'string') return undefined;
  const match = /^spec\.(?:containers|initContainers|ephemeralContainers)\{([^}]*)\}$/.exec(fieldPath);
  return match?.[1];
}
