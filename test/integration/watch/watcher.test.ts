// The informer path against a loopback server speaking the API server's list/watch protocol:
// JSON lists, then newline-delimited watch events on a held-open response.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_CONFIG } from '../../../src/config/load.js';
import { buildPipeline } from '../../../src/watch/run.js';
import { ClusterWatcher } from '../../../src/watch/watcher.js';

const IMAGE = '127.0.0.1:5000/team/api:2.1';
const podObject = (state?: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-1',
    namespace: 'shop',
    uid: 'uid-1',
    resourceVersion: state ? '12' : '10',
    annotations: { 'pullguard.dev/prediction': '{"v":1,"c":{"api":"ok"}}' },
  },
  spec: { containers: [{ name: 'api', image: IMAGE }] },
  status: { containerStatuses: state ? [{ name: 'api', image: IMAGE, state }] : [] },
});
const eventObject = (reason: string, message: string, resourceVersion: string) => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: `web-1.${reason}`, namespace: 'shop', resourceVersion },
  involvedObject: {
    kind: 'Pod',
    name: 'web-1',
    namespace: 'shop',
    uid: 'uid-1',
    fieldPath: 'spec.containers{api}',
  },
  reason,
  message,
  count: 1,
  lastTimestamp: new Date().toISOString(),
});

interface Fake {
  server: Server;
  requests: string[];
  open: ServerResponse[];
}

function fakeApiServer(): Promise<Fake> {
  const requests: string[] = [];
  const open: ServerResponse[] = [];
  let eventLists = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://x');
    requests.push(`${url.pathname}?${url.searchParams.toString()}`);
    const watching = url.searchParams.get('watch') === 'true';
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (url.pathname === '/api/v1/pods' && !watching)
      return json(200, {
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: { resourceVersion: '10' },
        items: [podObject()],
      });
    if (url.pathname === '/api/v1/events' && !watching) {
      eventLists += 1;
      if (eventLists === 1)
        return json(500, { kind: 'Status', status: 'Failure', code: 500, message: 'etcd hiccup' });
      return json(200, {
        kind: 'EventList',
        apiVersion: 'v1',
        metadata: { resourceVersion: '11' },
        items: [eventObject('Pulling', `Pulling image "${IMAGE}"`, '11')],
      });
    }
    if (watching) {
      response.writeHead(200, { 'content-type': 'application/json' });
      open.push(response);
      const send = (type: string, object: unknown) => response.write(`${JSON.stringify({ type, object })}\n`);
      if (url.pathname === '/api/v1/events') {
        send(
          'ADDED',
          eventObject(
            'Pulled',
            `Successfully pulled image "${IMAGE}" in 2.5s (2.5s including waiting). Image size: 1024 bytes.`,
            '13',
          ),
        );
        response.write(
          '{"type":"ADDED","object":{"kind":"Event","metadata":{"name":"odd","namespace":"shop","resourceVersion":"14"},"involvedObject":"garbage","count":"x"}}\n',
        );
      } else {
        send('MODIFIED', podObject({ running: { startedAt: new Date().toISOString() } }));
      }
      return undefined;
    }
    return json(404, { kind: 'Status', code: 404 });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, requests, open })));
}

let fake: Fake | undefined;
let watcher: ClusterWatcher | undefined;
afterEach(async () => {
  await watcher?.stop();
  for (const response of fake?.open ?? []) response.destroy();
  await new Promise((resolve) => fake?.server.close(resolve));
});

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('ClusterWatcher over list/watch', () => {
  it('lists, watches, restarts a failed informer and joins the pull with the prediction', async () => {
    fake = await fakeApiServer();
    const port = (fake.server.address() as AddressInfo).port;
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'not-a-secret' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const { pipeline, ledger } = buildPipeline(DEFAULT_CONFIG, Date.now);
    const errors: string[] = [];
    watcher = new ClusterWatcher({
      kubeConfig,
      pipeline,
      namespaces: [],
      onError: (_error, what) => errors.push(what),
      initialBackoffMs: 50,
    });
    await watcher.start();
    await until(() => ledger.summary().total === 1);
    expect(ledger.summary().joins['ok-predicted-and-pulled']).toBe(1);
    const container = pipeline.tracker.pods.get('uid-1')?.containers.get('api');
    expect(container?.state).toBe('Pulled');
    expect(container?.pullDurationMs).toBe(2500);
    expect(errors).toContain('events');
    const eventRequests = fake.requests.filter((request) => request.startsWith('/api/v1/events'));
    expect(eventRequests.length).toBeGreaterThanOrEqual(3);
    for (const request of eventRequests) expect(request).toContain('fieldSelector=involvedObject.kind%3DPod');
  });
});
