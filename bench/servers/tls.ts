// One throwaway certificate pair for benchmark servers, written to a temp directory.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCertificates } from '../../src/certs/generate.js';

export function writeBenchCertificates(): { certFile: string; keyFile: string; caFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pullguard-bench-'));
  const bundle = generateCertificates({
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    days: 1,
    now: new Date(),
  });
  const files = {
    certFile: join(dir, 'tls.crt'),
    keyFile: join(dir, 'tls.key'),
    caFile: join(dir, 'ca.crt'),
  };
  writeFileSync(files.certFile, bundle.cert);
  writeFileSync(files.keyFile, bundle.key);
  writeFileSync(files.caFile, bundle.caCert);
  return files;
}
