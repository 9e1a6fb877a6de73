import { describe, expect, it } from '@jest/globals';
import type { RecentFailure } from '../../../src/core/facts.js';
import { buildPolicyReport, diagnose, diagnosisEvent } from '../../../src/watch/diagnosis.js';
import { decodeFailures, encodeFailures } from '../../../src/watch/failures-configmap.js';
import { RecentFailures } from '../../../src/watch/history.js';
import type { ConfirmedFailure } from '../../../src/watch/pipeline.js';
import { newContainerImage } from '../../../src/watch/state.js';
import { reportText } from '../../../src/watch/report.js';
import { Ledger } from '../../../src/watch/ledger.js';

const failure = (i: number): [string, RecentFailure] => [
  `reg.example/team/app-${i}:1`,
  {
    outcome: 'not-found',
    reason: 'ErrImagePull',
    message: 'x'.repeat(500),
    lastSeen: new Date(Date.UTC(2025, 5, 1, 10, 0, i)).toISOString(),
    pods: i,
  },
];

describe('recent failures ConfigMap', () => {
  it('round-trips and stays under the size bound, newest kept', () => {
    const failures = Array.from({ length: 100 }, (_, i) => failure(100 - i));
    const text = encodeFailures(failures, 4096);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4096);
    const decoded = decodeFailures(text);
    expect(decoded.length).toBeGreaterThan(5);
    expect(decoded[0]).toEqual([failures[0]?.[0], { ...failures[0]?.[1], message: 'x'.repeat(200) }]);
    const history = new RecentFailures({
      windowMs: 1e12,
      maxEntries: 10,
      now: () => Date.UTC(2025, 5, 1, 11),
    });
    history.replaceAll(decoded);
    expect(history.recent(['reg.example/team/app-100:1']).get('reg.example/team/app-100:1')?.pods).toBe(100);
  });

  it('skips malformed rows and documents', () => {
    expect(decodeFailures('nope')).toEqual([]);
    expect(decodeFailures(undefined)).toEqual([]);
    expect(
      decodeFailures(
        '{"v":1,"f":[["a","bogus","r","m","2025-01-01T00:00:00Z",1],["b","timeout","r","m","2025-01-01T00:00:00Z",2],[1]]}',
      ),
    ).toEqual([
      ['b', { outcome: 'timeout', reason: 'r', message: 'm', lastSeen: '2025-01-01T00:00:00Z', pods: 2 }],
    ]);
  });
});

describe('diagnosis', () => {
  const container = Object.assign(newContainerImage('api', 'registry.corp.example/team/api:2.1', 0), {
    attempts: 3,
  });
  const confirmed: ConfirmedFailure = {
    pod: {
      uid: 'u1',
      namespace: 'shop',
      name: 'web-1',
      seen: true,
      deleted: false,
      prediction: undefined,
      containers: new Map(),
      missingSecrets: ['regcred'],
      lastActivity: 0,
    },
    container,
    outcome: 'unauthorized',
    reason: 'ErrImagePull',
    message: '401 Unauthorized',
    reference: 'registry.corp.example/team/api:2.1',
  };

  it('names the missing secret and the category', () => {
    expect(diagnose(confirmed)).toBe(
      'container "api" image "registry.corp.example/team/api:2.1": ErrImagePull (unauthorized) after 3 attempts: the registry refused the credentials sent (none, or not valid); pull secret "regcred" does not exist in namespace shop',
    );
  });

  it('builds an events.k8s.io Event and a PolicyReport', () => {
    const event = diagnosisEvent(confirmed, 'pullguard-0', new Date(0));
    expect(event).toMatchObject({
      reason: 'PullguardDiagnosis',
      reportingController: 'pullguard.dev/watcher',
      type: 'Warning',
      regarding: { kind: 'Pod', uid: 'u1' },
    });
    // The API server validates generateName as a name: a trailing '.' is refused (422).
    const generateName = (event.metadata as { generateName: string }).generateName;
    expect(generateName).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?-$/);
    const report = buildPolicyReport('shop', [{ failure: confirmed, at: 5000 }]);
    expect(report).toMatchObject({
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: 'PolicyReport',
      summary: { fail: 1 },
    });
    expect((report.results as { category: string }[])[0]?.category).toBe('unauthorized');
  });
});

describe('report table', () => {
  it('prints the ledger and failures', () => {
    const ledger = new Ledger();
    ledger.record('ok', { kind: 'pulled' });
    ledger.record('not-found', { kind: 'failed', outcome: 'not-found' });
    const text = reportText({ ledger: ledger.summary(), recentFailures: [failure(1)], trackedPods: 2 });
    expect(text).toContain('2 containers, accuracy 100.0%');
    expect(text).toMatch(/not-found\s+not-found\s+failure-predicted-same\s+1/);
    expect(text).toMatch(/reg\.example\/team\/app-1:1\s+not-found\s+ErrImagePull\s+1/);
  });
});
