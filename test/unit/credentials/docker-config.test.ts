import { describe, expect, it } from '@jest/globals';
import {
  decodeAuthField,
  parseDockerConfigFile,
  secretFact,
} from '../../../src/credentials/docker-config.js';

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const json = (auths: unknown) => ({ '.dockerconfigjson': b64(JSON.stringify({ auths })) });

describe('docker config secrets', () => {
  it('reads dockerconfigjson, auth winning over username/password', () => {
    const fact = secretFact({
      name: 'regcred',
      type: 'kubernetes.io/dockerconfigjson',
      data: json({ 'https://reg.example/v1/': { auth: b64('alice:s3:cret'), username: 'x', password: 'y' } }),
    });
    expect(fact).toEqual({
      name: 'regcred',
      status: 'found',
      credentials: [
        { secretName: 'regcred', key: 'https://reg.example/v1/', username: 'alice', password: 's3:cret' },
      ],
    });
  });
  it('reads the flat dockercfg map and stringData', () => {
    const fact = secretFact({
      name: 'old',
      type: 'kubernetes.io/dockercfg',
      stringData: { '.dockercfg': JSON.stringify({ 'quay.io': { username: 'u', password: 'p' } }) },
    });
    expect(fact.credentials).toEqual([{ secretName: 'old', key: 'quay.io', username: 'u', password: 'p' }]);
    expect(fact.invalid).toBeUndefined();
  });
  it.each([
    [{ type: 'Opaque', data: json({ a: {} }) }, /type Opaque/],
    [{ data: json({ a: {} }) }, /type Opaque/],
    [{ type: 'kubernetes.io/dockerconfigjson', data: {} }, /no \.dockerconfigjson key/],
    [{ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': '!!' } }, /not valid base64/],
    [
      { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{nope') } },
      /not valid JSON/,
    ],
    [{ type: 'kubernetes.io/dockerconfigjson', data: json({}) }, /empty "auths"/],
    [
      {
        type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': b64('{"reg.example":{"auth":"YTpi"}}') },
      },
      /flat \.dockercfg format/,
    ],
    [
      { type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64('{"auths":{"r":{}}}') } },
      /\.dockerconfigjson format/,
    ],
    [
      { type: 'kubernetes.io/dockerconfigjson', data: json({ r: { auth: 'not base64!' } }) },
      /auth is not valid base64/,
    ],
    [
      { type: 'kubernetes.io/dockerconfigjson', data: json({ r: { auth: b64('nocolon') } }) },
      /not base64 of username:password/,
    ],
    [{ type: 'kubernetes.io/dockerconfigjson', data: json({ r: { username: 5 } }) }, /non-string field/],
  ])('explains why %j is unusable', (secret, reason) => {
    const fact = secretFact({ name: 's', ...secret });
    expect(fact.invalid).toMatch(reason);
    expect(fact.credentials).toEqual([]);
  });
  it('never puts credential material in the reason', () => {
    const fact = secretFact({
      name: 's',
      type: 'kubernetes.io/dockerconfigjson',
      data: json({ r: { auth: 'c2VjcmV0cGFzcw' } }),
    });
    expect(fact.invalid).toMatch(/username:password/);
    expect(fact.invalid).not.toMatch(/secretpass|c2VjcmV0/);
  });
});

describe('auth field decoding (decodeDockerConfigFieldAuth)', () => {
  it.each([
    ['Zm9vOmJhcg==', { username: 'foo', password: 'bar' }],
    ['Zm9vOmJhcg', { username: 'foo', password: 'bar' }],
    ['YTo=', { username: 'a', password: '' }],
    ['Zm9vOmJhcg=', 'bad-base64'],
    ['Zm9vOmJhcg===', 'bad-base64'],
    ['Zm9v', 'no-colon'],
  ])('%s', (field, expected) => {
    expect(decodeAuthField(field)).toEqual(expected);
  });
});

describe('~/.docker/config.json', () => {
  it('reads auths and reports credential helpers', () => {
    expect(
      parseDockerConfigFile(JSON.stringify({ auths: { 'ghcr.io': { auth: b64('u:t') } } }), 'cfg')
        .credentials,
    ).toHaveLength(1);
    expect(parseDockerConfigFile('{"auths":{},"credsStore":"desktop"}', 'cfg').invalid).toMatch(
      /credential helper/,
    );
  });
});
