import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { DEFAULT_CONFIG } from '../../../src/config/load.js';
import type { ClusterView, FactSources, RegistryProber } from '../../../src/core/gather.js';
import { silentLogger } from '../../../src/logger.js';
import { createApp } from '../../../src/server/app.js';
import { createAdmissionMetrics } from '../../../src/server/metrics.js';
import { buildConfig } from '../../../src/config/load.js';
import { KINDS, admissionReview, podSpec, workload } from '../../support/workloads.js';

function app(options: { sources?: FactSources; ready?: boolean; config?: unknown } = {}) {
  const config = options.config ? buildConfig(options.config) : DEFAULT_CONFIG;
  return createApp({
    config: () => config,
    sources: options.sources ?? {},
    logger: silentLogger,
    metrics: createAdmissionMetrics(undefined, false),
    ready: () => options.ready ?? true,
  });
}

const bad = podSpec({ name: 'api', image: 'Bad/Image' }, { name: 'web', image: 'nginx:latest' });

describe('POST /validate and /mutate', () => {
  it.each(KINDS)('answers a %s with the uid, a denial and warnings', async (kind) => {
    const body = admissionReview(workload(kind, bad), { uid: `uid-${kind}` });
    const res = await request(app()).post('/validate').send(body).expect(200);
    expect(res.body.response.uid).toBe(`uid-${kind}`);
    expect(res.body.response.allowed).toBe(false);
    expect(res.body.response.status.code).toBe(403);
    expect(res.body.response.status.message).toMatch(
      /^\[image-reference-invalid\] container "api" image "Bad\/Image": /,
    );
    expect(res.body.response.warnings).toEqual([
      expect.stringMatching(/^\[image-tag-mutable\] container "web"/),
    ]);
  });

  it('routes the URL the API server calls, with its ?timeout= query', async () => {
    const body = admissionReview(workload('Pod', bad), { uid: 'with-query' });
    const res = await request(app()).post('/validate?timeout=3s').send(body).expect(200);
    expect(res.body.response).toMatchObject({ uid: 'with-query', allowed: false });
    await request(app()).post('/mutate?timeout=3s').send(body).expect(200);
  });

  it('mutate allows what validate denies, and patches only with a fix', async () => {
    const res = await request(app())
      .post('/mutate')
      .send(admissionReview(workload('Pod', bad)))
      .expect(200);
    expect(res.body.response).toEqual({ uid: expect.any(String), allowed: true });
  });

  it('allows objects that are not workloads, and status updates', async () => {
    const cm = await request(app())
      .post('/validate')
      .send(admissionReview({ kind: 'ConfigMap', metadata: { name: 'x' } }))
      .expect(200);
    expect(cm.body.response.allowed).toBe(true);
    const status = await request(app())
      .post('/validate')
      .send(admissionReview(workload('Pod', bad), { subResource: 'status', operation: 'UPDATE' }))
      .expect(200);
    expect(status.body.response.allowed).toBe(true);
  });

  it('judges pods/ephemeralcontainers updates', async () => {
    const pod = workload('Pod', {
      containers: [{ name: 'a', image: 'nginx:1' }],
      ephemeralContainers: [{ name: 'dbg', image: 'Bad' }],
    });
    const old = workload('Pod', { containers: [{ name: 'a', image: 'nginx:1' }] });
    const res = await request(app())
      .post('/validate')
      .send(admissionReview(pod, { subResource: 'ephemeralcontainers', operation: 'UPDATE', oldObject: old }))
      .expect(200);
    expect(res.body.response.allowed).toBe(false);
    expect(res.body.response.status.message).toContain('container "dbg"');
  });
});

describe('bad bodies', () => {
  it('400 for a body that is not JSON', async () => {
    const res = await request(app())
      .post('/validate')
      .set('content-type', 'application/json')
      .send('{not json')
      .expect(400);
    expect(res.body.error).toMatch(/not valid JSON/);
  });

  it('415 for another content type', async () => {
    const res = await request(app())
      .post('/validate')
      .set('content-type', 'text/plain')
      .send('hello')
      .expect(415);
    expect(res.body.error).toMatch(/application\/json/);
  });

  it.each([
    [
      'wrong kind',
      { apiVersion: 'admission.k8s.io/v1', kind: 'Pod', request: { uid: 'x' } },
      /kind must be AdmissionReview/,
    ],
    [
      'old apiVersion',
      { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: { uid: 'x' } },
      /apiVersion/,
    ],
    ['missing request', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, /request is missing/],
    ['missing uid', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: {} }, /uid/],
    [
      'bad operation',
      {
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        request: { uid: 'x', operation: 'EXPLODE' },
      },
      /operation/,
    ],
    ['an array', [1, 2], /not a JSON object/],
  ])('400 for %s', async (_label, body, error) => {
    const res = await request(app())
      .post('/validate')
      .send(body as object)
      .expect(400);
    expect(res.body.error).toMatch(error);
  });

  it('413 for a 10 MB body', async () => {
    const huge = JSON.stringify({ pad: 'x'.repeat(10 * 1024 * 1024) });
    const res = await request(app())
      .post('/validate')
      .set('content-type', 'application/json')
      .send(huge)
      .expect(413);
    expect(res.body.error).toMatch(/larger than/);
  });

  it('404 for unknown paths', async () => {
    await request(app()).get('/nope').expect(404);
  });
});

describe('failures inside the handler', () => {
  it('a source that throws becomes "could not check", not an error', async () => {
    const prober: RegistryProber = {
      probe: async () => {
        throw new Error('registry exploded');
      },
    };
    const res = await request(app({ sources: { prober } }))
      .post('/validate')
      .send(admissionReview(workload('Pod', podSpec({ name: 'a', image: 'nginx:1.27' }))))
      .expect(200);
    expect(res.body.response.allowed).toBe(true);
    expect(res.body.response.warnings).toEqual([
      expect.stringMatching(/checks that need registry or cluster facts were skipped/),
    ]);
  });

  it('a source that never settles cannot hold the answer past the budget', async () => {
    const prober: RegistryProber = { probe: () => new Promise(() => {}) };
    const started = Date.now();
    const res = await request(
      app({ sources: { prober }, config: { budgetMs: 300, probe: { timeoutMs: 200 } } }),
    )
      .post('/validate')
      .send(admissionReview(workload('Pod', podSpec({ name: 'a', image: 'nginx:1.27' }))))
      .expect(200);
    expect(res.body.response.allowed).toBe(true);
    // Generous bound: the point is that it answers at all, not how fast (machines are noisy).
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('facts past the budget', () => {
  it('keeps the cluster facts when the registries did not answer in time', async () => {
    const prober: RegistryProber = { probe: () => new Promise(() => {}) };
    const cluster: ClusterView = {
      pullSecrets: () => ({
        source: 'pod',
        secrets: [{ name: 'regcred', status: 'not-found', credentials: [] }],
      }),
      nodes: () => undefined,
    };
    const res = await request(
      app({ sources: { prober, cluster }, config: { budgetMs: 200, probe: { timeoutMs: 100 } } }),
    )
      .post('/validate')
      .send(
        admissionReview(
          workload('Pod', {
            ...podSpec({ name: 'a', image: 'nginx:1.27' }),
            imagePullSecrets: [{ name: 'regcred' }],
          }),
        ),
      )
      .expect(200);
    expect(res.body.response.warnings).toEqual([
      expect.stringMatching(/^\[pull-secret-not-found\] .*"regcred"/),
      expect.stringMatching(/checks that need registry or cluster facts were skipped/),
    ]);
  });
});

describe('health, readiness and metrics', () => {
  it('healthz is ok; readyz follows readiness', async () => {
    await request(app()).get('/healthz').expect(200, 'ok');
    await request(app({ ready: true }))
      .get('/readyz')
      .expect(200);
    await request(app({ ready: false }))
      .get('/readyz')
      .expect(503);
  });

  it('metrics count requests by endpoint and verdict, and findings by rule', async () => {
    const server = app();
    await request(server)
      .post('/validate')
      .send(admissionReview(workload('Pod', bad)))
      .expect(200);
    await request(server).post('/validate').set('content-type', 'application/json').send('{').expect(400);
    const text = (await request(server).get('/metrics').expect(200)).text;
    expect(text).toContain('pullguard_admission_requests_total{endpoint="/validate",verdict="denied"} 1');
    expect(text).toContain(
      'pullguard_findings_total{endpoint="/validate",rule="image-reference-invalid",action="deny"} 1',
    );
    expect(text).toContain('pullguard_admission_errors_total{endpoint="/validate",kind="bad-request"} 1');
    expect(text).toMatch(/pullguard_admission_duration_seconds_bucket/);
  });
});
