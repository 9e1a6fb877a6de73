import { describe, expect, it } from '@jest/globals';
import type { RecentFailure } from '../../../src/core/facts.js';
import type { FailureHistory } from '../../../src/core/gather.js';
import { combinedHistory } from '../../../src/watch/combined-history.js';

const failure = (lastSeen: string, reason: string): RecentFailure => ({
  outcome: 'not-found',
  reason,
  message: 'not found',
  lastSeen,
  pods: 1,
});

function fixed(entries: Record<string, RecentFailure>): FailureHistory {
  return {
    recent: (refs) => new Map(refs.flatMap((ref) => (entries[ref] ? [[ref, entries[ref]] as const] : []))),
  };
}

describe('combinedHistory', () => {
  it('answers from every source and keeps the most recent entry per image', () => {
    const published = fixed({
      'docker.io/library/a:1': failure('2026-01-01T10:00:00Z', 'published-old'),
      'docker.io/library/b:1': failure('2026-01-01T10:00:00Z', 'published-only'),
    });
    const live = fixed({ 'docker.io/library/a:1': failure('2026-01-01T10:05:00Z', 'live-newer') });
    const merged = combinedHistory(published, live).recent([
      'docker.io/library/a:1',
      'docker.io/library/b:1',
      'x',
    ]);
    expect([...merged].map(([ref, f]) => [ref, f.reason])).toEqual([
      ['docker.io/library/a:1', 'live-newer'],
      ['docker.io/library/b:1', 'published-only'],
    ]);
  });
});
