// A TCP proxy on loopback in front of a real server that misbehaves on demand: passes traffic,
// delays each answer, stalls (reads requests, never answers) or resets connections. The mode is
// read for every request, so it applies to kept-alive connections too.

import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type FaultMode =
  { kind: 'pass' } | { kind: 'delay'; ms: number } | { kind: 'stall' } | { kind: 'reset' };

export interface FaultProxy {
  readonly port: number;
  readonly host: string;
  mode: FaultMode;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startFaultProxy(
  upstreamPort: number,
  initial: FaultMode = { kind: 'pass' },
): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const state = { mode: initial, connections: 0 };
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server: Server = createServer((client) => {
    state.connections++;
    track(client);
    const upstream = connect(upstreamPort, '127.0.0.1');
    track(upstream);
    client.on('data', (chunk: Buffer) => {
      const mode = state.mode;
      if (mode.kind === 'stall') return; // swallow the request: the caller waits forever
      if (mode.kind === 'reset') return void client.resetAndDestroy();
      upstream.write(chunk);
    });
    // Answers (and the upstream's close after them) leave in order, each held back by the delay.
    let outgoing = Promise.resolve();
    const later = (action: () => void) => {
      const mode = state.mode;
      const ms = mode.kind === 'delay' ? mode.ms : 0;
      outgoing = outgoing
        .then(() => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : undefined))
        .then(action);
    };
    upstream.on('data', (chunk: Buffer) => later(() => void (client.destroyed || client.write(chunk))));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => later(() => client.destroy()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    host: `127.0.0.1:${port}`,
    get mode() {
      return state.mode;
    },
    set mode(value: FaultMode) {
      state.mode = value;
    },
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
