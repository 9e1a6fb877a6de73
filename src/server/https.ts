// HTTPS with TLS 1.2+ whose certificate and key are reloaded when their files change (Secret
// mounts swap a symlink, so files are polled by content, not watched by inode), and a graceful
// shutdown that stops accepting, drains in-flight requests, then closes.

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { RequestListener } from 'node:http';
import { createHash } from 'node:crypto';
import type { Logger } from '../logger.js';

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface HttpsServerOptions extends TlsFiles {
  readonly port: number;
  readonly host?: string;
  readonly logger: Logger;
  /** How often the files are checked for a new certificate. */
  readonly reloadIntervalMs?: number;
  /** On close, how long to keep answering (with `Connection: close`) before closing idle connections. */
  readonly drainMs?: number;
}

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  /** Re-reads the files now; resolves to true when a new certificate was installed. */
  reload(): boolean;
  /** Stops accepting, waits for in-flight requests (at most `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
}

function readPair(files: TlsFiles): { cert: Buffer; key: Buffer; fingerprint: string } {
  const cert = readFileSync(files.certFile);
  const key = readFileSync(files.keyFile);
  const fingerprint = createHash('sha256').update(cert).update(key).digest('hex');
  return { cert, key, fingerprint };
}

const DRAIN_MS = 3000;

export async function startHttpsServer(
  app: RequestListener,
  options: HttpsServerOptions,
): Promise<RunningServer> {
  let current = readPair(options);
  let draining = false;
  const server = createServer(
    {
      cert: current.cert,
      key: current.key,
      minVersion: 'TLSv1.2',
      requestTimeout: 30_000,
      headersTimeout: 10_000,
    },
    (req, res) => {
      // While draining, each connection is closed by us right after its answer, never while a
      // client may be writing a request on it (that would reset the request).
      if (draining) res.setHeader('connection', 'close');
      app(req, res);
    },
  );
  // Longer than the API server's idle timeout for webhook connections (90 s): the client closes
  // an idle connection first, so a request never races our close of it.
  server.keepAliveTimeout = 120_000;

  const reload = (): boolean => {
    let next: ReturnType<typeof readPair>;
    try {
      next = readPair(options);
    } catch (error) {
      options.logger.warn(
        { err: (error as Error).message },
        'TLS files unreadable; keeping the current certificate',
      );
      return false;
    }
    if (next.fingerprint === current.fingerprint) return false;
    try {
      server.setSecureContext({ cert: next.cert, key: next.key, minVersion: 'TLSv1.2' });
    } catch (error) {
      options.logger.warn(
        { err: (error as Error).message },
        'new TLS files invalid (mid-rotation?); keeping the current certificate',
      );
      return false;
    }
    current = next;
    options.logger.info({ certFile: options.certFile }, 'TLS certificate reloaded');
    return true;
  };
  const timer = setInterval(reload, options.reloadIntervalMs ?? 10_000);
  timer.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  const close = async (graceMs = 20_000): Promise<void> => {
    clearInterval(timer);
    // Keep answering for a moment, so connections in use close after their answer (above).
    draining = true;
    await new Promise((resolve) => setTimeout(resolve, options.drainMs ?? DRAIN_MS));
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const forced = setTimeout(() => server.closeAllConnections(), graceMs);
    forced.unref();
    await closed;
    clearTimeout(forced);
  };

  return { server, port, reload, close };
}
