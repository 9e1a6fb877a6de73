// The SSRF guard on every address spelling, the guarded DNS lookup (rebinding), and challenge parsing.

import { describe, expect, it } from '@jest/globals';
import type { LookupAddress } from 'node:dns';
import { buildConfig } from '../../../src/config/load.js';
import { parseImageReference } from '../../../src/image/reference.js';
import { AddressGuard, canonicalHost } from '../../../src/registry/address-guard.js';
import { parseChallenge } from '../../../src/registry/challenge.js';
import type { LookupFunction } from '../../../src/registry/http-client.js';
import { createRegistryProber } from '../../../src/registry/prober.js';

describe('AddressGuard', () => {
  const guard = new AddressGuard(['10.0.0.0/8', 'fd00::/8']);
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['0.0.0.0', true],
    ['169.254.169.254', true],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:169.254.169.254', true],
    ['10.1.2.3', true],
    ['fd12::1', true],
    ['not-an-ip', true],
    ['93.184.216.34', false],
    ['2606:4700::1111', false],
    ['::ffff:93.184.216.34', false],
  ])('%s blocked: %s', (address, blocked) => {
    expect(guard.isBlocked(address)).toBe(blocked);
  });

  it('reads decimal, hex and short IPv4 spellings as the socket would', () => {
    expect(canonicalHost('2130706433')).toBe('127.0.0.1');
    expect(canonicalHost('0x7f.1')).toBe('127.0.0.1');
    expect(canonicalHost('127.1')).toBe('127.0.0.1');
  });

  it('refuses an invalid configured range', () => {
    expect(() => new AddressGuard(['10.0.0.0/x'])).toThrow('invalid CIDR');
  });
});

describe('guarded DNS lookup', () => {
  it('does not connect when an unlisted host resolves to the metadata address', async () => {
    const seen: string[] = [];
    const lookup = ((host: string, _options: unknown, callback: (e: null, a: LookupAddress[]) => void) => {
      seen.push(host);
      callback(null, [{ address: '169.254.169.254', family: 4 }]);
    }) as unknown as LookupFunction;
    const prober = createRegistryProber(buildConfig({}), { lookup });
    try {
      const parsed = parseImageReference('rebind.example.com/app:1');
      if (!parsed.ok) throw new Error(parsed.error);
      const facts = await prober.probe(
        [{ pointer: '/c', ref: parsed.ref, credentials: [] }],
        AbortSignal.timeout(5000),
      );
      expect(facts.get('/c')?.anonymous?.outcome).toBe('blocked');
      expect(seen).toContain('rebind.example.com');
    } finally {
      await prober.close();
    }
  });
});

describe('parseChallenge', () => {
  it('reads Bearer parameters, quoted or not', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      ),
    ).toEqual({
      scheme: 'bearer',
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
      scope: 'repository:library/nginx:pull',
    });
    expect(parseChallenge('bearer realm=https://r/t')).toEqual({ scheme: 'bearer', realm: 'https://r/t' });
  });
  it('reads Basic and ignores what it cannot answer', () => {
    expect(parseChallenge('Basic realm="registry"')).toEqual({ scheme: 'basic' });
    expect(parseChallenge('Negotiate abc')).toBeUndefined();
    expect(parseChallenge('Bearer service="x"')).toBeUndefined();
    expect(parseChallenge(undefined)).toBeUndefined();
  });
});
