import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { classifyFailure, sanitizeMessage } from '../../../src/watch/classify.js';
import { isPullOutcome } from '../../../src/core/outcomes.js';

interface CorpusEntry {
  reason: string | null;
  message: string;
  expected: string;
  case: string;
}

const corpus = JSON.parse(
  readFileSync(new URL('../../fixtures/kubelet-messages.json', import.meta.url), 'utf8'),
) as CorpusEntry[];

describe('classifyFailure over the kubelet message corpus', () => {
  it('has a valid expected outcome for every entry', () => {
    expect(corpus.length).toBeGreaterThan(30);
    for (const entry of corpus) expect(isPullOutcome(entry.expected)).toBe(true);
  });

  it.each(corpus.map((entry) => [entry.case, entry] as const))('%s', (_name, entry) => {
    expect(classifyFailure(entry.reason ?? undefined, entry.message)).toBe(entry.expected);
  });

  it('covers every failure category the watcher can report', () => {
    const seen = new Set(corpus.map((entry) => entry.expected));
    for (const outcome of [
      'not-found',
      'unauthorized',
      'forbidden',
      'platform-mismatch',
      'dns-nxdomain',
      'dns-temporary',
      'connection-refused',
      'connection-reset',
      'timeout',
      'tls-error',
      'rate-limited',
      'never-pull',
      'invalid-name',
      'unknown',
    ]) {
      expect(seen.has(outcome)).toBe(true);
    }
  });

  it('lets the reason decide for never-pull and invalid names whatever the text', () => {
    expect(classifyFailure('ErrImageNeverPull', '')).toBe('never-pull');
    expect(classifyFailure('InvalidImageName', undefined)).toBe('invalid-name');
    expect(classifyFailure(undefined, undefined)).toBe('unknown');
  });
});

describe('sanitizeMessage', () => {
  it('removes userinfo, token parameters and bearer tokens', () => {
    const text = sanitizeMessage(
      'Get "https://bob:hunter2@reg.example/token?scope=x&access_token=abc.def": Bearer eyJhbGciOi.x.y failed',
    );
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('abc.def');
    expect(text).not.toContain('eyJhbGciOi');
    expect(text).toContain('https://reg.example/token?scope=x&access_token=REDACTED');
  });

  it('caps the length and strips control characters', () => {
    const text = sanitizeMessage(`a\nb\u0007${'x'.repeat(1000)}`);
    expect(text.length).toBeLessThanOrEqual(300);
    expect(text.startsWith('a b')).toBe(true);
  });
});
