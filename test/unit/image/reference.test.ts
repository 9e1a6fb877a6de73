import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  defaultPullPolicy,
  familiarString,
  formatReference,
  isMutableReference,
  parseImageReference,
  type ImageReference,
} from '../../../src/image/reference.js';

const DIGEST = 'sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582';

function parsed(input: string): ImageReference {
  const result = parseImageReference(input);
  if (!result.ok) throw new Error(`${input}: ${result.error}`);
  return result.ref;
}

describe('parseImageReference: names distribution/reference accepts', () => {
  it.each([
    'docker/docker',
    'library/debian',
    'debian',
    'localhost/library/debian',
    'localhost/debian',
    'LOCALDOMAIN/library/debian',
    'LOCALDOMAIN/debian',
    'docker.io/docker/docker',
    'docker.io/library/debian',
    'docker.io/debian',
    'index.docker.io/docker/docker',
    'index.docker.io/library/debian',
    'index.docker.io/debian',
    '127.0.0.1:5000/docker/docker',
    '127.0.0.1:5000/library/debian',
    '127.0.0.1:5000/debian',
    '192.168.0.1',
    '192.168.0.1:80',
    '192.168.0.1:8/debian',
    '192.168.0.2:25000/debian',
    'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
    '[fc00::1]:5000/docker',
    '[fc00::1]:5000/docker/docker',
    '[fc00:1:2:3:4:5:6:7]:5000/library/debian',
    'docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
    'Docker/docker',
    'DOCKER/docker',
    'docker-rules/docker',
    'docker---rules/docker',
    'd/docker',
    'jess/t',
    'dock__er/docker',
    'a.b_c__d-e--f/g',
    `nginx@${DIGEST}`,
    `nginx:1.27@${DIGEST}`,
    'registry.example.com:5000/team/app:v1.2.3-rc.1_b',
    `registry.example.com/${'a'.repeat(255)}`,
  ])('%s', (input) => {
    expect(parseImageReference(input)).toMatchObject({ ok: true });
  });
});

describe('parseImageReference: what the kubelet would report as InvalidImageName', () => {
  it.each([
    ['https://github.com/docker/docker', 'invalid reference format'],
    ['docker/Docker', 'repository name (docker/Docker) must be lowercase'],
    ['-docker', 'invalid reference format'],
    ['-docker/docker', 'invalid reference format'],
    ['-docker.io/docker/docker', 'invalid reference format'],
    ['docker///docker', 'invalid reference format'],
    ['docker.io/docker/Docker', 'must be lowercase'],
    ['[fc00::1]', 'invalid reference format'],
    ['[fc00::1]:5000', 'invalid reference format'],
    ['fc00::1:5000/debian', 'invalid reference format'],
    ['[fe80::1%eth0]:5000/debian', 'invalid reference format'],
    ['[2001:db8:3:4::192.0.2.33]:5000/debian', 'invalid reference format'],
    [
      '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
      'cannot specify 64-byte hexadecimal strings',
    ],
    ['docker-/docker', 'invalid reference format'],
    ['____/____', 'invalid reference format'],
    ['_docker/_docker', 'invalid reference format'],
    ['dock..er/docker', 'invalid reference format'],
    ['dock_.er/docker', 'invalid reference format'],
    ['dock-.er/docker', 'invalid reference format'],
    ['docker/', 'invalid reference format'],
    ['', 'at least one component'],
    ['nginx:', 'invalid reference format'],
    [`nginx:${'a'.repeat(129)}`, 'invalid reference format'],
    ['nginx:-1', 'invalid reference format'],
    ['nginx@sha256:abc', 'invalid reference format'],
    [`nginx@sha256:${'A'.repeat(64)}`, 'invalid checksum digest format'],
    [`nginx@sha256:${'a'.repeat(63)}0a`, 'invalid checksum digest length'],
    [`nginx@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
    [`registry.example.com/${'a'.repeat(256)}`, 'must not be more than 255 characters'],
    ['nginx latest', 'invalid reference format'],
    ['Nginx', 'must be lowercase'],
  ])('%s -> %s', (input, error) => {
    const result = parseImageReference(input);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toContain(error);
  });

  it('refuses non-strings and huge inputs without throwing', () => {
    expect(parseImageReference(42)).toEqual({ ok: false, error: 'image is not a string' });
    expect(parseImageReference(null).ok).toBe(false);
    expect(parseImageReference('a'.repeat(100_000)).ok).toBe(false);
  });
});

describe('normalisation', () => {
  it.each([
    ['busybox', 'docker.io/library/busybox'],
    ['busybox:latest', 'docker.io/library/busybox:latest'],
    [`busybox@${DIGEST}`, `docker.io/library/busybox@${DIGEST}`],
    ['library/busybox', 'docker.io/library/busybox'],
    ['docker.io/busybox', 'docker.io/library/busybox'],
    ['index.docker.io/busybox:1', 'docker.io/library/busybox:1'],
    ['bitnami/redis:7', 'docker.io/bitnami/redis:7'],
    ['gcr.io/library/busybox', 'gcr.io/library/busybox'],
    ['localhost/app', 'localhost/app'],
    ['localhost:5000/app:v1', 'localhost:5000/app:v1'],
    ['[::1]:5000/app', '[::1]:5000/app'],
    ['registry:5000/app', 'registry:5000/app'],
    ['LOCAL/app', 'LOCAL/app'],
    // Not a valid domain, yet a valid path: the library keeps it with an empty domain.
    ['a_b.c/app', 'a_b.c/app'],
    ['localhost:5000', 'docker.io/library/localhost:5000'],
  ])('%s -> %s', (input, expected) => {
    expect(formatReference(parsed(input))).toBe(expected);
  });

  it('splits domain, path, tag and digest', () => {
    expect(parsed(`registry.example.com:5000/team/app:v1@${DIGEST}`)).toEqual({
      domain: 'registry.example.com:5000',
      path: 'team/app',
      tag: 'v1',
      digest: DIGEST,
    });
  });

  it.each([
    ['docker.io/library/nginx:1', 'nginx:1'],
    ['docker.io/bitnami/redis', 'bitnami/redis'],
    ['docker.io/library/a/b', 'library/a/b'],
    ['quay.io/x/y:2', 'quay.io/x/y:2'],
  ])('familiar form of %s is %s', (input, expected) => {
    expect(familiarString(parsed(input))).toBe(expected);
  });
});

describe('mutability and the default pull policy (SetDefaults_Container)', () => {
  it.each([
    ['nginx', 'Always', true],
    ['nginx:latest', 'Always', true],
    [`nginx:latest@${DIGEST}`, 'Always', false],
    [`nginx@${DIGEST}`, 'IfNotPresent', false],
    ['nginx:1.27', 'IfNotPresent', false],
    ['registry.example.com:5000/app', 'Always', true],
    ['Not/Valid', 'IfNotPresent', undefined],
  ])('%s -> %s', (image, policy, mutable) => {
    expect(defaultPullPolicy(image)).toBe(policy);
    const result = parseImageReference(image);
    if (mutable !== undefined && result.ok) expect(isMutableReference(result.ref)).toBe(mutable);
  });
});

describe('properties', () => {
  const component = fc.stringMatching(/^[a-z0-9]{1,8}(?:[._-][a-z0-9]{1,8}){0,2}$/);
  const domain = fc.oneof(
    fc.constant(undefined),
    fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]\.[a-z]{2,5}(?::[0-9]{2,5})?$/),
    fc.constant('localhost:5000'),
    fc.constant('[::1]:5000'),
  );
  const reference = fc.record({
    domain,
    path: fc.array(component, { minLength: 1, maxLength: 3 }),
    tag: fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), { nil: undefined }),
    digest: fc.option(fc.stringMatching(/^[a-f0-9]{64}$/), { nil: undefined }),
  });

  it('parse(format(x)) round-trips', () => {
    fc.assert(
      fc.property(reference, (r) => {
        const text = `${r.domain ? `${r.domain}/` : ''}${r.path.join('/')}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@sha256:${r.digest}` : ''}`;
        const first = parseImageReference(text);
        if (!first.ok) return false;
        const again = parseImageReference(formatReference(first.ref));
        return again.ok && JSON.stringify(again.ref) === JSON.stringify(first.ref);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.anything()), (input) => {
        const result = parseImageReference(input);
        return typeof result.ok === 'boolean';
      }),
      { numRuns: 2000 },
    );
  });
});
