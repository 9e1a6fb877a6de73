// A loopback HTTP server that stores Kubernetes objects by URL path with the API server's write
// semantics: GET (404 when absent), POST to the collection (409 AlreadyExists), PUT (404 when
// absent, 409 Conflict when metadata.resourceVersion is stale), resourceVersion bumped per write.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Obj = { metadata: { name: string; resourceVersion?: string; [key: string]: unknown }; [key: string]: unknown };

export class FakeObjectApi {
  readonly objects = new Map<string, Obj>();
  readonly writes: string[] = [];
  /** Called after a GET is answered: a test can write concurrently here. */
  afterGet: ((path: string) => void) | undefined;
  private version = 1000;
  private readonly server: Server = createServer((req, res) => void this.handle(req, res));

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  put(path: string, object: Obj): Obj {
    const stored = { ...object, metadata: { ...object.metadata, resourceVersion: String(++this.version) } };
    this.objects.set(path, stored);
    return stored;
  }

  get(path: string): Obj | undefined {
    return this.objects.get(path);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString()) as Obj) : undefined;
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    const status = (code: number, reason: string) =>
      send(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code });
    if (req.method === 'GET') {
      const found = this.objects.get(path);
      if (!found) return status(404, 'NotFound');
      send(200, found);
      this.afterGet?.(path);
      return;
    }
    if (req.method === 'POST' && body) {
      const target = `${path}/${body.metadata.name}`;
      if (this.objects.has(target)) return status(409, 'AlreadyExists');
      this.writes.push(`create ${target}`);
      return send(201, this.put(target, body));
    }
    if (req.method === 'PUT' && body) {
      const current = this.objects.get(path);
      if (!current) return status(404, 'NotFound');
      if (body.metadata.resourceVersion !== current.metadata.resourceVersion) return status(409, 'Conflict');
      this.writes.push(`update ${path}`);
      return send(200, this.put(path, body));
    }
    status(405, 'MethodNotAllowed');
  }
}
