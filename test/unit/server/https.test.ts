import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { afterAll, describe, expect, it } from '@jest/globals';
import { generateCertificates } from '../../../src/certs/generate.js';
import { silentLogger } from '../../../src/logger.js';
import { startHttpsServer, type RunningServer } from '../../../src/server/https.js';

const dir = mkdtempSync(join(tmpdir(), 'pullguard-tls-'));
const certFile = join(dir, 'tls.crt');
const keyFile = join(dir, 'tls.key');
function writePair(days: number) {
  const bundle = generateCertificates({
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    days,
    now: new Date(),
    keyBits: 1024,
  });
  writeFileSync(certFile, bundle.cert);
  writeFileSync(keyFile, bundle.key);
  return bundle;
}

function get(
  port: number,
  ca: string,
  path = '/',
  minVersion?: 'TLSv1' | 'TLSv1.2',
  maxVersion?: 'TLSv1.1',
): Promise<{ status: number; serial: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        ca,
        servername: 'localhost',
        agent: false,
        ...(minVersion ? { minVersion } : {}),
        ...(maxVersion ? { maxVersion } : {}),
      },
      (res) => {
        const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber;
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, serial }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('HTTPS server', () => {
  let server: RunningServer | undefined;
  afterAll(async () => server?.close(100));

  it('serves TLS 1.2+, reloads a rotated certificate without restart, and keeps the old one on bad files', async () => {
    const first = writePair(10);
    server = await startHttpsServer((_req, res) => res.end('ok'), {
      port: 0,
      host: '127.0.0.1',
      certFile,
      keyFile,
      logger: silentLogger,
      reloadIntervalMs: 60_000,
      drainMs: 0,
    });
    const before = await get(server.port, first.caCert);
    expect(before.status).toBe(200);

    await expect(get(server.port, first.caCert, '/', 'TLSv1', 'TLSv1.1')).rejects.toThrow();

    expect(server.reload()).toBe(false);
    const second = writePair(20);
    expect(server.reload()).toBe(true);
    const after = await get(server.port, second.caCert);
    expect(after.serial).not.toBe(before.serial);

    writeFileSync(keyFile, 'not a key');
    expect(server.reload()).toBe(false);
    expect((await get(server.port, second.caCert)).serial).toBe(after.serial);
  });

  it('on close, keeps answering for the drain time and closes each used connection after its answer', async () => {
    const pair = writePair(10);
    const draining = await startHttpsServer((_req, res) => res.end('ok'), {
      port: 0,
      host: '127.0.0.1',
      certFile,
      keyFile,
      logger: silentLogger,
      drainMs: 500,
    });
    const agent = new Agent({ keepAlive: true });
    let closing: Promise<void> | undefined;
    try {
      const plain = await getHeaders(draining.port, pair.caCert, agent);
      expect(plain.connection).toBe('keep-alive');
      closing = draining.close(1000);
      const during = await getHeaders(draining.port, pair.caCert, agent);
      expect(during.status).toBe(200);
      expect(during.connection).toBe('close');
      await closing;
      await expect(getHeaders(draining.port, pair.caCert, agent)).rejects.toThrow();
    } finally {
      agent.destroy();
      await (closing ?? draining.close(0));
    }
  });
});

function getHeaders(
  port: number,
  ca: string,
  agent: Agent,
): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', ca, servername: 'localhost', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end();
  });
}
