import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { generateCertificates, randomSerial } from '../../../src/certs/generate.js';

const now = new Date('2030-01-01T00:00:00Z');

describe('generateCertificates', () => {
  const bundle = generateCertificates({ dnsNames: ['pullguard.pullguard.svc', 'localhost'], ipAddresses: ['127.0.0.1'], days: 30, now, keyBits: 1024 });
  const ca = new X509Certificate(bundle.caCert);
  const cert = new X509Certificate(bundle.cert);

  it('issues a serving certificate signed by the CA, with the SANs asked for', () => {
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(ca.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.subjectAltName).toBe('DNS:pullguard.pullguard.svc, DNS:localhost, IP Address:127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.1');
  });

  it('uses the injected clock and validity', () => {
    expect(new Date(cert.validTo).toISOString()).toBe('2030-01-31T00:00:00.000Z');
    expect(new Date(cert.validFrom).getTime()).toBeLessThan(now.getTime());
    expect(bundle.notAfter.toISOString()).toBe('2030-01-31T00:00:00.000Z');
  });

  it('gives each certificate a different random positive serial', () => {
    expect(cert.serialNumber).not.toBe(ca.serialNumber);
    expect(Number.parseInt(cert.serialNumber.slice(0, 2), 16)).toBeLessThan(0x80);
    expect(randomSerial(() => '\xff'.repeat(16)).slice(0, 2)).toBe('7f');
    expect(randomSerial(() => '\x00'.repeat(16)).slice(0, 2)).toBe('01');
  });

  it('refuses requests without SANs or with bad validity', () => {
    expect(() => generateCertificates({ dnsNames: [], ipAddresses: [], days: 1, now })).toThrow(/subject alternative name/);
    expect(() => generateCertificates({ dnsNames: ['a'], ipAddresses: [], days: 0, now })).toThrow(/--days/);
  });
});
