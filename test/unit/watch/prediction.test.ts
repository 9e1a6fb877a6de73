import { describe, expect, it } from '@jest/globals';
import type { Facts, ImageFacts } from '../../../src/core/facts.js';
import { NO_FACTS } from '../../../src/core/facts.js';
import type { Finding } from '../../../src/core/finding.js';
import { walkWorkload, type Workload } from '../../../src/workload/walker.js';
import {
  PREDICTION_ANNOTATION,
  predictionPatch,
  predictOutcomes,
  readPrediction,
} from '../../../src/watch/prediction-annotation.js';
import { joinPrediction, Ledger } from '../../../src/watch/ledger.js';
import { Registry } from 'prom-client';

const podObject = (annotations?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'shop', ...(annotations ? { annotations } : {}) },
  spec: {
    containers: [
      { name: 'api', image: 'reg.example/team/api:2.1' },
      { name: 'side', image: 'reg.example/team/side:1' },
      { name: 'bad', image: 'Reg/Bad' },
      { name: 'local', image: 'tool:1', imagePullPolicy: 'Never' },
    ],
  },
});

const deployment = (metadata?: Record<string, unknown>, ownerReferences?: unknown[]) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', ...(ownerReferences ? { ownerReferences } : {}) },
  spec: {
    template: {
      ...(metadata ? { metadata } : {}),
      spec: { containers: [{ name: 'api', image: 'reg.example/team/api:2.1' }] },
    },
  },
});

function facts(images: Record<string, ImageFacts>, extra: Partial<Facts> = {}): Facts {
  return { ...NO_FACTS, images: new Map(Object.entries(images)), ...extra };
}

const ok: ImageFacts = {
  anonymous: { outcome: 'ok', digest: 'sha256:aa', platforms: [{ os: 'linux', architecture: 'arm64' }] },
};
const missing: ImageFacts = { anonymous: { outcome: 'not-found', httpStatus: 404 } };

function workloadOf(object: unknown): Workload {
  const workload = walkWorkload(object);
  if (!workload) throw new Error('not a workload');
  return workload;
}

describe('predictOutcomes', () => {
  it('predicts from probes, nodes, the grammar and the pull policy', () => {
    const workload = workloadOf(podObject());
    const predicted = predictOutcomes(
      workload,
      facts({ '/spec/containers/0': ok, '/spec/containers/1': missing }),
      [],
    );
    expect(Object.fromEntries(predicted)).toEqual({
      api: 'ok',
      side: 'not-found',
      bad: 'invalid-name',
      local: 'unknown',
    });
    const withNodes = facts(
      { '/spec/containers/0': ok },
      {
        nodes: {
          complete: true,
          candidates: [
            {
              name: 'n1',
              platform: { os: 'linux', architecture: 'amd64' },
              images: [],
              imageListCapped: false,
            },
          ],
        },
      },
    );
    const again = predictOutcomes(workload, withNodes, []);
    expect(again.get('api')).toBe('platform-mismatch');
    expect(again.get('side')).toBe('unknown');
    expect(again.get('local')).toBe('never-pull');
  });

  it('lets a failing finding decide the category', () => {
    const workload = workloadOf(podObject());
    const finding = { rule: 'pull-secret-missing', pointer: '/spec/containers/0' } as unknown as Finding;
    expect(predictOutcomes(workload, facts({ '/spec/containers/0': ok }), [finding]).get('api')).toBe(
      'unauthorized',
    );
  });
});

describe('predictionPatch', () => {
  const predictFacts = facts({ '/spec/containers/0': missing });

  it('adds the annotations map on a Pod without one, and round-trips through readPrediction', () => {
    const object = podObject();
    const patch = predictionPatch(object, workloadOf(object), predictFacts, []);
    expect(patch).toHaveLength(1);
    expect(patch[0]).toMatchObject({ op: 'add', path: '/metadata/annotations' });
    const value = (patch[0] as { value: Record<string, string> }).value;
    expect(JSON.parse(value[PREDICTION_ANNOTATION] ?? '')).toEqual({
      v: 1,
      c: { api: 'not-found', side: 'unknown', bad: 'invalid-name', local: 'unknown' },
    });
    expect(readPrediction(value)?.get('api')).toBe('not-found');
  });

  it('adds one key, escaped, when annotations exist', () => {
    const object = podObject({ team: 'shop' });
    const patch = predictionPatch(object, workloadOf(object), predictFacts, []);
    expect(patch).toEqual([
      { op: 'add', path: '/metadata/annotations/pullguard.dev~1prediction', value: expect.any(String) },
    ]);
  });

  it('writes into the pod template of a Deployment, creating its metadata', () => {
    const object = deployment();
    const patch = predictionPatch(
      object,
      workloadOf(object),
      facts({ '/spec/template/spec/containers/0': ok }),
      [],
    );
    expect(patch).toEqual([
      {
        op: 'add',
        path: '/spec/template/metadata',
        value: { annotations: { [PREDICTION_ANNOTATION]: '{"v":1,"c":{"api":"ok"}}' } },
      },
    ]);
    const labelled = deployment({ labels: { app: 'web' } });
    expect(predictionPatch(labelled, workloadOf(labelled), NO_FACTS, [])[0]?.path).toBe(
      '/spec/template/metadata/annotations',
    );
  });

  it('does not churn templates: controller-made objects and unchanged UPDATEs are left alone', () => {
    const owned = deployment(undefined, [{ kind: 'Deployment', name: 'web' }]);
    expect(predictionPatch(owned, workloadOf(owned), NO_FACTS, [])).toEqual([]);
    const object = deployment();
    const workload = workloadOf(object);
    expect(
      predictionPatch(object, workload, NO_FACTS, [], { operation: 'UPDATE', previous: workload }),
    ).toEqual([]);
    const pod = podObject();
    expect(predictionPatch(pod, workloadOf(pod), NO_FACTS, [], { operation: 'UPDATE' })).toEqual([]);
  });

  it('ignores malformed annotations', () => {
    expect(readPrediction({ [PREDICTION_ANNOTATION]: '{bad' })).toBeUndefined();
    expect(readPrediction({ [PREDICTION_ANNOTATION]: '{"v":2,"c":{}}' })).toBeUndefined();
    expect(readPrediction({ [PREDICTION_ANNOTATION]: '{"v":1,"c":{"a":"nonsense","b":"ok"}}' })?.size).toBe(
      1,
    );
    expect(readPrediction('x')).toBeUndefined();
  });
});

describe('ledger joins', () => {
  it.each([
    ['not-found', { kind: 'failed', outcome: 'not-found' }, 'failure-predicted-same'],
    ['not-found', { kind: 'failed', outcome: 'unauthorized' }, 'failure-predicted-different'],
    ['not-found', { kind: 'pulled' }, 'failure-predicted-but-pulled'],
    ['ok', { kind: 'failed', outcome: 'timeout' }, 'ok-predicted-but-failed'],
    ['ok', { kind: 'pulled' }, 'ok-predicted-and-pulled'],
    ['ok', { kind: 'cached' }, 'ok-predicted-and-cached'],
    ['unauthorized', { kind: 'cached' }, 'ran-only-because-cached'],
    ['unknown', { kind: 'cached' }, 'ran-only-because-cached'],
    ['unknown', { kind: 'pulled' }, 'unknown-predicted-pulled'],
    [undefined, { kind: 'failed', outcome: 'unknown' }, 'no-prediction-failed'],
  ] as const)('%s + %j -> %s', (predicted, actual, join) => {
    expect(joinPrediction(predicted, actual)).toBe(join);
  });

  it('summarises accuracy and exports counters', async () => {
    const registry = new Registry();
    const ledger = new Ledger(registry);
    ledger.record('ok', { kind: 'pulled' });
    ledger.record('ok', { kind: 'pulled' });
    ledger.record('not-found', { kind: 'failed', outcome: 'not-found' });
    ledger.record('ok', { kind: 'failed', outcome: 'timeout' });
    ledger.record('unknown', { kind: 'cached' });
    const summary = ledger.summary();
    expect(summary.total).toBe(5);
    expect(summary.accuracy).toBe(0.75);
    expect(summary.rows[0]).toEqual({
      predicted: 'ok',
      actual: 'pulled',
      join: 'ok-predicted-and-pulled',
      count: 2,
    });
    const text = await registry.metrics();
    expect(text).toContain(
      'pullguard_prediction_outcomes_total{join="ok-predicted-and-pulled",predicted="ok",actual="pulled"} 2',
    );
  });
});
