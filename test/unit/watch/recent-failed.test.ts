import { describe, expect, it } from '@jest/globals';
import { DEFAULT_CONFIG } from '../../../src/config/load.js';
import { evaluate } from '../../../src/core/engine.js';
import { gatherFacts } from '../../../src/core/gather.js';
import { walkWorkload } from '../../../src/workload/walker.js';
import { RecentFailures } from '../../../src/watch/history.js';

const T0 = Date.parse('2025-06-01T10:00:00Z');
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    containers: [
      { name: 'api', image: 'nginx:1.27' },
      { name: 'ok', image: 'nginx:1.28' },
    ],
  },
};

describe('RecentFailures as admission history', () => {
  it('serves image-recently-failed quoting the kubelet reason, within the window only', async () => {
    let now = T0;
    const history = new RecentFailures({ windowMs: 600_000, maxEntries: 10, now: () => now });
    history.recordFailure('docker.io/library/nginx:1.27', {
      outcome: 'not-found',
      reason: 'ErrImagePull',
      message: 'not found',
      podUid: 'a',
      at: T0,
    });
    history.recordFailure('docker.io/library/nginx:1.27', {
      outcome: 'not-found',
      reason: 'ErrImagePull',
      message: 'not found',
      podUid: 'b',
      at: T0 + 1000,
    });
    const workload = walkWorkload(pod);
    if (!workload) throw new Error('no workload');
    const facts = await gatherFacts(workload, { history }, DEFAULT_CONFIG, new AbortController().signal);
    const result = evaluate({
      workload,
      operation: 'CREATE',
      facts,
      config: DEFAULT_CONFIG,
      mode: 'validate',
    });
    const recent = result.findings.filter((finding) => finding.rule === 'image-recently-failed');
    expect(recent.map((finding) => finding.message)).toEqual([
      '[image-recently-failed] container "api" image "nginx:1.27": kubelet reported ErrImagePull (not-found) for 2 pods, last at 2025-06-01T10:00:01.000Z',
    ]);
    expect(recent[0]?.action).toBe('warn');
    now = T0 + 700_000;
    expect(history.recent(['docker.io/library/nginx:1.27']).size).toBe(0);
  });

  it('a later successful pull clears a registry-side failure but not a credential failure', () => {
    const history = new RecentFailures({ windowMs: 600_000, maxEntries: 10, now: () => T0 });
    history.recordFailure('r/a:1', {
      outcome: 'not-found',
      reason: 'ErrImagePull',
      message: '',
      podUid: 'a',
      at: T0 - 10,
    });
    history.recordFailure('r/b:1', {
      outcome: 'unauthorized',
      reason: 'ErrImagePull',
      message: '',
      podUid: 'a',
      at: T0 - 10,
    });
    history.recordSuccess('r/a:1', T0);
    history.recordSuccess('r/b:1', T0);
    expect([...history.recent(['r/a:1', 'r/b:1']).keys()]).toEqual(['r/b:1']);
  });

  it('keeps at most maxEntries, dropping the least recently failed', () => {
    const history = new RecentFailures({ windowMs: 600_000, maxEntries: 2, now: () => T0 });
    for (const ref of ['r/a:1', 'r/b:1', 'r/c:1']) {
      history.recordFailure(ref, {
        outcome: 'timeout',
        reason: 'ErrImagePull',
        message: '',
        podUid: 'x',
        at: T0,
      });
    }
    expect(
      history
        .snapshot()
        .map(([ref]) => ref)
        .sort(),
    ).toEqual(['r/b:1', 'r/c:1']);
  });
});
