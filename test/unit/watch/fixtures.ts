// Builders for recorded pod statuses and kubelet events, shaped like the API server sends them.

export const T0 = Date.parse('2025-06-01T10:00:00Z');

export function iso(offsetSeconds: number): string {
  return new Date(T0 + offsetSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

export interface PodOptions {
  uid?: string;
  name?: string;
  namespace?: string;
  image?: string;
  container?: string;
  prediction?: string;
  state?: Record<string, unknown>;
  lastState?: Record<string, unknown>;
}

export function pod(options: PodOptions = {}): Record<string, unknown> {
  const container = options.container ?? 'api';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: options.name ?? 'web-1',
      namespace: options.namespace ?? 'shop',
      uid: options.uid ?? 'uid-1',
      ...(options.prediction ? { annotations: { 'pullguard.dev/prediction': options.prediction } } : {}),
    },
    spec: { containers: [{ name: container, image: options.image ?? '127.0.0.1:5000/team/api:2.1' }] },
    status: {
      phase: 'Pending',
      containerStatuses: options.state
        ? [
            {
              name: container,
              image: options.image ?? '127.0.0.1:5000/team/api:2.1',
              state: options.state,
              ...(options.lastState ? { lastState: options.lastState } : {}),
            },
          ]
        : [],
    },
  };
}

export const waiting = (reason: string, message?: string) => ({
  waiting: { reason, ...(message ? { message } : {}) },
});
export const running = () => ({ running: { startedAt: iso(30) } });

export interface EventOptions {
  reason: string;
  message: string;
  at: number;
  count?: number;
  uid?: string;
  podName?: string;
  container?: string | null;
  name?: string;
  type?: string;
}

export function event(options: EventOptions): Record<string, unknown> {
  const container = options.container === undefined ? 'api' : options.container;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: options.name ?? `web-1.${options.reason}.${options.message.length}`,
      namespace: 'shop',
    },
    involvedObject: {
      kind: 'Pod',
      namespace: 'shop',
      name: options.podName ?? 'web-1',
      uid: options.uid ?? 'uid-1',
      ...(container === null ? {} : { fieldPath: `spec.containers{${container}}` }),
    },
    reason: options.reason,
    message: options.message,
    type: options.type ?? 'Normal',
    count: options.count ?? 1,
    firstTimestamp: iso(options.at),
    lastTimestamp: iso(options.at),
  };
}

export const IMAGE = '127.0.0.1:5000/team/api:2.1';
export const NOT_FOUND = `rpc error: code = NotFound desc = failed to pull and unpack image "${IMAGE}": failed to resolve reference "${IMAGE}": ${IMAGE}: not found`;
export const UNAUTHORIZED = `rpc error: code = Unknown desc = failed to pull and unpack image "${IMAGE}": failed to resolve reference "${IMAGE}": pulling from host 127.0.0.1:5000 failed with status code [manifests 2.1]: 401 Unauthorized`;
