// Polling helpers: the cluster converges asynchronously (scheduler, kubelet, informers), so tests
// wait for a state with a deadline and report the last thing they saw when it never comes.

import { getJson } from './kubectl.js';

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { readonly timeoutMs?: number; readonly intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError ? `: ${(lastError as Error).message}` : '';
      throw new Error(`timed out after ${options.timeoutMs ?? 60_000} ms waiting for ${what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
  }
}

export interface ContainerStatus {
  readonly name: string;
  readonly image: string;
  readonly state?: {
    readonly waiting?: { readonly reason?: string; readonly message?: string };
    readonly running?: { readonly startedAt?: string };
  };
}

export interface Pod {
  readonly metadata: {
    readonly name: string;
    readonly uid: string;
    readonly annotations?: Record<string, string>;
  };
  readonly spec: Record<string, unknown>;
  readonly status?: { readonly phase?: string; readonly containerStatuses?: readonly ContainerStatus[] };
}

/**
 * Waits until the pod's first container status satisfies `accept` (e.g. a waiting reason the
 * kubelet reports, or running) and returns the pod.
 */
export function waitForContainer(
  namespace: string,
  pod: string,
  accept: (status: ContainerStatus) => boolean,
  timeoutMs = 90_000,
): Promise<Pod> {
  let last = 'no status yet';
  return waitFor(
    `pod ${namespace}/${pod} container state`,
    async () => {
      const object = await getJson<Pod>('pod', pod, namespace);
      const status = object?.status?.containerStatuses?.[0];
      if (!status) return undefined;
      last = JSON.stringify(status.state);
      return accept(status) ? object : undefined;
    },
    { timeoutMs },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last state ${last}`);
  });
}

/** A waiting reason among `reasons`. */
export const waitingIn =
  (...reasons: string[]) =>
  (status: ContainerStatus): boolean =>
    reasons.includes(status.state?.waiting?.reason ?? '');

export const running = (status: ContainerStatus): boolean => status.state?.running !== undefined;
