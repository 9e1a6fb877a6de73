// A CA and a serving certificate for the webhook (node-forge). Time, validity and randomness are
// inputs, so expiry and rotation are testable; serials are random and positive (RFC 5280).

import forge from 'node-forge';

export interface CertificateRequest {
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly days: number;
  readonly now: Date;
  readonly commonName?: string;
  /** Bytes for the serial numbers; defaults to forge's CSPRNG. */
  readonly randomBytes?: (count: number) => string;
  readonly keyBits?: number;
}

export interface CertificateBundle {
  readonly caCert: string;
  readonly caKey: string;
  readonly cert: string;
  readonly key: string;
  readonly notAfter: Date;
}

export function randomSerial(randomBytes: (count: number) => string = forge.random.getBytesSync): string {
  const bytes = randomBytes(16);
  // Clear the top bit so the DER integer is positive, and keep it non-zero.
  const first = ((bytes.charCodeAt(0) & 0x7f) | 0x01).toString(16).padStart(2, '0');
  return first + forge.util.bytesToHex(bytes.slice(1));
}

function validity(cert: forge.pki.Certificate, now: Date, days: number): void {
  // Backdate a little so nodes with a slightly slow clock accept it at once.
  cert.validity.notBefore = new Date(now.getTime() - 5 * 60_000);
  cert.validity.notAfter = new Date(now.getTime() + days * 86_400_000);
}

export function generateCertificates(request: CertificateRequest): CertificateBundle {
  if (request.days <= 0 || !Number.isFinite(request.days)) throw new Error('--days must be a positive number');
  if (request.dnsNames.length === 0 && request.ipAddresses.length === 0) {
    throw new Error('at least one --dns or --ip subject alternative name is required');
  }
  const bits = request.keyBits ?? 2048;
  const random = request.randomBytes ?? forge.random.getBytesSync;

  const caKeys = forge.pki.rsa.generateKeyPair({ bits });
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = randomSerial(random);
  validity(ca, request.now, request.days);
  const caSubject = [{ name: 'commonName', value: 'pullguard-ca' }];
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const keys = forge.pki.rsa.generateKeyPair({ bits });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerial(random);
  validity(cert, request.now, request.days);
  cert.setSubject([{ name: 'commonName', value: request.commonName ?? request.dnsNames[0] ?? request.ipAddresses[0] ?? 'pullguard' }]);
  cert.setIssuer(caSubject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...request.dnsNames.map((value) => ({ type: 2, value })),
        ...request.ipAddresses.map((ip) => ({ type: 7, ip })),
      ],
    },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKeys.privateKey, forge.md.sha256.create());

  return {
    caCert: forge.pki.certificateToPem(ca),
    caKey: forge.pki.privateKeyToPem(caKeys.privateKey),
    cert: forge.pki.certificateToPem(cert),
    key: forge.pki.privateKeyToPem(keys.privateKey),
    notAfter: cert.validity.notAfter,
  };
}
