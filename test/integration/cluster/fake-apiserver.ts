// A loopback HTTP server speaking the Kubernetes list/watch wire format for core/v1 resources:
// a JSON list with metadata.resourceVersion, and `?watch=true` as newline-delimited events.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Obj = {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  [key: string]: unknown;
};

export class FakeApiServer {
  readonly requests: string[] = [];
  private readonly objects = new Map<string, Obj[]>();
  private readonly watchers = new Map<string, Set<ServerResponse>>();
  private resourceVersion = 100;
  /** Status to answer list requests with (e.g. 503), instead of the list. */
  listFailure: number | undefined;
  private readonly server: Server = createServer((req, res) => this.handle(req, res));

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const set of this.watchers.values()) for (const res of set) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  seed(resource: string, items: Obj[]): void {
    this.objects.set(
      resource,
      items.map((item) => this.stamp(item)),
    );
  }

  /** Changes the stored list and sends the event to open watches. */
  emit(resource: string, type: 'ADDED' | 'MODIFIED' | 'DELETED', object: Obj): void {
    const stamped = this.stamp(object);
    const list = (this.objects.get(resource) ?? []).filter((o) => o.metadata.name !== object.metadata.name);
    if (type !== 'DELETED') list.push(stamped);
    this.objects.set(resource, list);
    for (const res of this.watchers.get(resource) ?? [])
      res.write(JSON.stringify({ type, object: stamped }) + '\n');
  }

  /** Changes the list without telling watchers (what a client misses while disconnected). */
  replaceSilently(resource: string, items: Obj[]): void {
    this.seed(resource, items);
  }

  /** A clean end of the stream, as the API server does when a watch times out. */
  closeWatches(resource: string): void {
    for (const res of this.watchers.get(resource) ?? []) res.end();
    this.watchers.get(resource)?.clear();
  }

  /** A connection reset. */
  dropWatches(resource: string): void {
    for (const res of this.watchers.get(resource) ?? []) res.destroy();
    this.watchers.get(resource)?.clear();
  }

  /** An expired resourceVersion: the event the API server sends before closing the watch. */
  expireWatches(resource: string): void {
    const gone = {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
      message: 'too old resource version',
    };
    for (const res of this.watchers.get(resource) ?? [])
      res.end(JSON.stringify({ type: 'ERROR', object: gone }) + '\n');
    this.watchers.get(resource)?.clear();
  }

  openWatches(resource: string): number {
    return this.watchers.get(resource)?.size ?? 0;
  }

  private stamp(item: Obj): Obj {
    return { ...item, metadata: { ...item.metadata, resourceVersion: String(++this.resourceVersion) } };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.requests.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/api\/v1\/(serviceaccounts|nodes|secrets)$/.exec(url.pathname);
    if (!match?.[1]) {
      res.writeHead(404).end();
      return;
    }
    const resource = match[1];
    const typeSelector = /^type=(.+)$/.exec(url.searchParams.get('fieldSelector') ?? '')?.[1];
    const matches = (o: Obj): boolean => typeSelector === undefined || o.type === typeSelector;
    if (url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      const set = this.watchers.get(resource) ?? new Set();
      this.watchers.set(resource, set);
      const filtered = Object.assign(Object.create(res) as ServerResponse, {
        write: (chunk: string) => {
          const event = JSON.parse(chunk) as { object: Obj };
          return matches(event.object) ? res.write(chunk) : true;
        },
      });
      set.add(typeSelector === undefined ? res : filtered);
      res.on('close', () => set.delete(typeSelector === undefined ? res : filtered));
      return;
    }
    if (this.listFailure !== undefined) {
      res.writeHead(this.listFailure, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ kind: 'Status', apiVersion: 'v1', code: this.listFailure, message: 'unavailable' }),
      );
      return;
    }
    const kind =
      resource === 'serviceaccounts'
        ? 'ServiceAccountList'
        : resource === 'nodes'
          ? 'NodeList'
          : 'SecretList';
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        kind,
        apiVersion: 'v1',
        metadata: { resourceVersion: String(this.resourceVersion) },
        items: (this.objects.get(resource) ?? []).filter(matches),
      }),
    );
  }
}
