// Cases transcribed from the kubelet's pkg/credentialprovider/keyring_test.go (v1.33), plus the
// differences between Go's URL parsing and WHATWG URL that change matches.
import { describe, expect, it } from '@jest/globals';
import { keyMatchesImage, lookupCredentials, normalizeKey } from '../../../src/credentials/keyring.js';
import { goGlobMatch } from '../../../src/credentials/go-glob.js';

const urlsMatch = (glob: string, target: string): boolean => keyMatchesImage(glob, target);

describe('URLsMatch (TestURLsMatch)', () => {
  it.each([
    ['*.kubernetes.io', 'prefix.kubernetes.io', true],
    ['prefix.*.io', 'prefix.kubernetes.io', true],
    ['prefix.kubernetes.*', 'prefix.kubernetes.io', true],
    ['*-good.kubernetes.io', 'prefix-good.kubernetes.io', true],
    ['*.kubernetes.io/blah', 'prefix.kubernetes.io/blah', true],
    ['prefix.*.io/foo', 'prefix.kubernetes.io/foo/bar', true],
    ['*.kubernetes.io:1111/blah', 'prefix.kubernetes.io:1111/blah', true],
    ['prefix.*.io:1111/foo', 'prefix.kubernetes.io:1111/foo/bar', true],
    ['*.kubernetes.io', 'kubernetes.io', false],
    ['*.*.kubernetes.io', 'prefix.kubernetes.io', false],
    ['*.*.kubernetes.io', 'kubernetes.io', false],
    ['*kubernetes.io', 'a.kubernetes.io', false],
    ['*kubernetes.io', 'kubernetes.io', true],
    ['*.*.*.kubernetes.io', 'a.b.c.kubernetes.io', true],
    ['kubernetes.io', 'kubernetes.com', false],
    ['k*.io', 'quay.io', false],
    ['*.kubernetes.io:1234/blah', 'prefix.kubernetes.io:1111/blah', false],
    ['prefix.*.io/foo', 'prefix.kubernetes.io:1111/foo/bar', false],
  ])('%s vs %s -> %s', (glob, target, expected) => {
    expect(urlsMatch(glob, target)).toBe(expected);
  });
});

const entry = (key: string, username = 'foo') => ({ key, username, password: 'bar' });

describe('keyring lookup (TestDockerKeyringForGlob / TestKeyringMiss)', () => {
  it.each([
    ['https://hello.kubernetes.io', 'hello.kubernetes.io'],
    ['https://*.docker.io', 'prefix.docker.io'],
    ['https://prefix.*.io', 'prefix.docker.io'],
    ['https://prefix.docker.*', 'prefix.docker.io'],
    ['https://*.docker.io/path', 'prefix.docker.io/path'],
    ['https://prefix.*.io/path', 'prefix.docker.io/path/subpath'],
    ['https://prefix.docker.*/path', 'prefix.docker.io/path'],
    ['https://*.docker.io:8888', 'prefix.docker.io:8888'],
    ['https://prefix.*.io:8888', 'prefix.docker.io:8888'],
    ['https://prefix.docker.*:8888', 'prefix.docker.io:8888'],
    ['https://*.docker.io/path:1111', 'prefix.docker.io/path:1111'],
    ['https://*.docker.io/v1/', 'prefix.docker.io/path:1111'],
    ['https://*.docker.io/v2/', 'prefix.docker.io/path:1111'],
    ['https://prefix.docker.*/path:1111', 'prefix.docker.io/path:1111'],
    ['prefix.docker.io:1111', 'prefix.docker.io:1111/path'],
    ['*.docker.io:1111', 'prefix.docker.io:1111/path'],
  ])('%s finds %s/foo/bar', (key, target) => {
    expect(lookupCredentials([entry(key)], `${target}/foo/bar`)).toEqual([entry(key)]);
  });

  it.each([
    ['https://hello.kubernetes.io', 'world.mesos.org/foo/bar'],
    ['https://*.docker.com', 'prefix.docker.io'],
    ['https://suffix.*.io', 'prefix.docker.io'],
    ['https://prefix.docker.c*', 'prefix.docker.io'],
    ['https://prefix.*.io/path:1111', 'prefix.docker.io/path/subpath:1111'],
    ['suffix.*.io', 'prefix.docker.io'],
  ])('%s misses %s/foo/bar', (key, target) => {
    expect(lookupCredentials([entry(key)], `${target}/foo/bar`)).toEqual([]);
  });
});

describe('Docker Hub default registry', () => {
  const hub = entry('https://index.docker.io/v1/');
  it('misses other registries (TestKeyringMissWithDockerHubCredentials)', () => {
    expect(lookupCredentials([hub], 'world.mesos.org/foo/bar')).toEqual([]);
  });
  it.each([
    'google/docker-registry',
    'jenkins',
    'index.docker.io/google/docker-registry',
    'docker.io/library/nginx',
  ])('hits %s', (image) => expect(lookupCredentials([hub], image)).toEqual([hub]));
  it('key docker.io matches docker.io images; registry-1.docker.io does not', () => {
    expect(lookupCredentials([entry('docker.io')], 'docker.io/library/nginx')).toHaveLength(1);
    expect(lookupCredentials([entry('registry-1.docker.io')], 'docker.io/library/nginx')).toEqual([]);
  });
});

describe('ordering (TestDockerKeyringLookup / TestIssue3797)', () => {
  const grace = entry('bar.example.com/pong', 'grace');
  const ada = entry('bar.example.com', 'ada');
  it.each([
    ['bar.example.com', [ada]],
    ['bar.example.com/pong', [grace, ada]],
    ['bar.example.com/ping', [ada]],
    ['bar.example.com/pongz', [grace, ada]],
    ['bar.example.com/pong/pang', [grace, ada]],
    ['example.com', []],
    ['foo.example.com', []],
  ])('%s', (image, expected) => {
    expect(lookupCredentials([ada, grace], image)).toEqual(expected);
  });
  it('keeps every credential under one key in order, across secrets', () => {
    const first = { ...entry('quay.io', 'a') };
    const second = { ...entry('https://quay.io/v1/', 'b') };
    expect(lookupCredentials([first, second], 'quay.io/foo/bar')).toEqual([first, second]);
  });
});

describe('Go URL semantics the kubelet inherits', () => {
  it.each([
    ['https://index.docker.io/v1/', 'index.docker.io'],
    ['quay.io/v2/', 'quay.io'],
    ['https://quay.io/v1', 'quay.io/v1'],
    ['registry.example:443', 'registry.example:443'],
    ['Registry.Example.com', 'Registry.Example.com'],
    ['http://reg.example/team/', 'reg.example/team/'],
    ['reg%zz.example', undefined],
    ['reg example', undefined],
  ])('normalizeKey(%s) = %s', (key, expected) => {
    expect(normalizeKey(key)).toBe(expected);
  });
  it('keeps :443 significant and hosts case-sensitive', () => {
    expect(keyMatchesImage(normalizeKey('registry.example:443') ?? '', 'registry.example/app')).toBe(false);
    expect(keyMatchesImage(normalizeKey('Registry.example') ?? '', 'registry.example/app')).toBe(false);
  });
  it('supports character classes per label', () => {
    expect(keyMatchesImage('reg[0-9].example', 'reg1.example/app')).toBe(true);
    expect(keyMatchesImage('reg[^0-9].example', 'reg1.example/app')).toBe(false);
  });
});

describe('filepath.Match', () => {
  it.each([
    ['*', 'abc', true],
    ['a?c', 'abc', true],
    ['[!a]', '!', true],
    ['[!a]', 'b', false],
    ['[^a]', 'b', true],
    ['[a-c]x', 'bx', true],
    ['\\*', '*', true],
    ['\\*', 'a', false],
    ['[', 'a', false],
    ['[]a]', ']', false],
    ['a\\', 'a', false],
  ])('%s ~ %s -> %s', (pattern, name, expected) => {
    expect(goGlobMatch(pattern, name)).toBe(expected);
  });
});
