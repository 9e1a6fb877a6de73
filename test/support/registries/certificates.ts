// A test CA and a serving certificate for 127.0.0.1/localhost, and a self-signed token-signing
// certificate, made with openssl into a temporary directory.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './processes.js';

export interface TestCertificates {
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
}

export async function makeServerCertificates(dir: string): Promise<TestCertificates> {
  const caKey = join(dir, 'ca.key');
  const caCert = join(dir, 'ca.crt');
  const serverKey = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const serverCert = join(dir, 'server.crt');
  const ext = join(dir, 'server.ext');
  await selfSigned(caKey, caCert, '/CN=pullguard test CA');
  await run('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    serverKey,
    '-out',
    csr,
    '-subj',
    '/CN=127.0.0.1',
  ]);
  await writeFile(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    caCert,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    serverCert,
    '-days',
    '2',
    '-extfile',
    ext,
  ]);
  return { caCert, serverCert, serverKey };
}

/** A self-signed RSA certificate for signing registry tokens; the registry trusts it as a root. */
export async function makeSigningCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const key = join(dir, 'token.key');
  const cert = join(dir, 'token.crt');
  await selfSigned(key, cert, '/CN=pullguard test token issuer');
  return { cert, key };
}

/** A self-signed RSA key and certificate, valid for two days. */
async function selfSigned(keyFile: string, certFile: string, subject: string): Promise<void> {
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    subject,
  ]);
}
