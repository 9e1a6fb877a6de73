// Real kubelet outcomes against pullguard's admission predictions, with pullguard warning only
// (namespaces e2e-warn-*) so the bad pods are created. For each case, one pod in its own
// namespace: the kubelet's waiting reason, the watcher's state and category (its diagnosis
// event), the ledger (`pullguard watch --report`, and the serving process's /metrics) and the
// prediction annotation all have to agree.

import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { pullguardMetrics } from './support/deploy.js';
import { pushArm64Only, pushPlain, pushTls } from './support/images.js';
import { apply, getJson, kubectl, warnings } from './support/kubectl.js';
import { dockerConfigSecret, pod, type ContainerSpec, type PodOptions } from './support/manifests.js';
import { createNamespace, deleteNamespace } from './support/namespaces.js';
import { requireCompleteNodeImageLists } from './support/nodes.js';
import { describeE2E, e2e } from './support/suite.js';
import { running, waitFor, waitForContainer, waitingIn, type Pod } from './support/wait.js';
import { diagnoses, metricValue, predictionOf, watchReport } from './support/watcher.js';

interface Case {
  readonly name: string;
  /** Built once the images are pushed. */
  readonly container: () => ContainerSpec;
  readonly options?: PodOptions;
  /** A wrong-password pull secret named `wrongcred` in the namespace. */
  readonly wrongSecret?: boolean;
  /** Waiting reasons the kubelet may show (it alternates ErrImagePull and ImagePullBackOff). */
  readonly reasons: readonly string[];
  readonly outcome: string;
}

const PULL_FAILED = ['ErrImagePull', 'ImagePullBackOff'];

describeE2E('kubelet outcomes agree with admission predictions (warn-only)', () => {
  const images = { missingTag: '', private: '', arm64: '', good: '' };
  const namespaces = new Map<string, string>();
  let neverAbsentUncertain: Error | undefined;
  const cases: Case[] = [
    {
      name: 'missing-tag',
      container: () => ({ image: images.missingTag }),
      reasons: PULL_FAILED,
      outcome: 'not-found',
    },
    {
      name: 'no-secret',
      container: () => ({ image: images.private }),
      reasons: PULL_FAILED,
      outcome: 'unauthorized',
    },
    {
      name: 'wrong-creds',
      container: () => ({ image: images.private }),
      options: { imagePullSecrets: ['wrongcred'] },
      wrongSecret: true,
      reasons: PULL_FAILED,
      outcome: 'unauthorized',
    },
    {
      name: 'arm64-only',
      container: () => ({ image: images.arm64 }),
      reasons: PULL_FAILED,
      outcome: 'platform-mismatch',
    },
    {
      name: 'never-absent',
      container: () => ({ image: `${images.good}-absent`, imagePullPolicy: 'Never' }),
      reasons: ['ErrImageNeverPull'],
      outcome: 'never-pull',
    },
    {
      name: 'invalid-name',
      container: () => ({ image: 'Registry.Example/UPPER:1' }),
      reasons: ['InvalidImageName'],
      outcome: 'invalid-name',
    },
    {
      name: 'unresolvable',
      container: () => ({ image: 'nonexistent.invalid/x:1' }),
      reasons: PULL_FAILED,
      outcome: 'dns-nxdomain',
    },
    { name: 'good', container: () => ({ image: images.good }), reasons: [], outcome: 'ok' },
  ];

  beforeAll(async () => {
    const { testbed, runId } = e2e();
    await pushPlain(testbed, `e2e/missing-${runId}`, '1');
    images.missingTag = `${testbed.registryPlain}/e2e/missing-${runId}:2`;
    images.private = await pushTls(testbed, `e2e/private-${runId}`, '1');
    images.arm64 = await pushArm64Only(testbed, `e2e/arm-${runId}`, '1');
    images.good = await pushPlain(testbed, `e2e/good-${runId}`, '1');
    await Promise.all(
      cases.map(async (c) => {
        const ns = await createNamespace('warn', c.name);
        namespaces.set(c.name, ns);
        if (c.wrongSecret) {
          const secret = dockerConfigSecret(
            'wrongcred',
            testbed.registryTls,
            testbed.registryUser,
            'wrong-password',
          );
          await kubectl(['apply', '-n', ns, '-f', '-'], { input: secret });
        }
      }),
    );
    // The never-absent case predicts on certainty only: note whether it can, at admission time.
    neverAbsentUncertain = await requireCompleteNodeImageLists().then(
      () => undefined,
      (error: Error) => error,
    );
    for (const c of cases) {
      const result = await apply(pod('probe', c.container(), c.options), namespaces.get(c.name)!);
      expect(result.code).toBe(0); // warn-only: every pod is created
    }
  });

  afterAll(async () => {
    await Promise.all([...namespaces.values()].map(deleteNamespace));
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const ns = namespaces.get(c.name)!;
    if (c.outcome === 'never-pull' && neverAbsentUncertain) throw neverAbsentUncertain;
    const predicted = predictionOf((await getJson<Pod>('pod', 'probe', ns))!);
    expect(predicted).toEqual({ app: c.outcome });

    if (c.outcome === 'ok') {
      await waitForContainer(ns, 'probe', running);
    } else {
      const failed = await waitForContainer(ns, 'probe', waitingIn(...c.reasons));
      const waiting = failed.status?.containerStatuses?.[0]?.state?.waiting;
      expect(c.reasons).toContain(waiting?.reason);
      // The watcher's state and category, from its diagnosis event on the pod.
      const [diagnosis] = await waitFor(`diagnosis event in ${ns}`, async () => {
        const found = await diagnoses(ns, 'probe');
        return found.length > 0 ? found : undefined;
      });
      expect(diagnosis).toMatchObject({ container: 'app', image: c.container().image, outcome: c.outcome });
      expect(c.reasons).toContain(diagnosis!.state);
    }

    const join = c.outcome === 'ok' ? 'ok-predicted-and-pulled' : 'failure-predicted-same';
    const report = await waitFor(`ledger entry in ${ns}`, async () => {
      const r = await watchReport(ns);
      return r.ledger.total > 0 ? r : undefined;
    });
    const actual = c.outcome === 'ok' ? 'pulled' : c.outcome;
    expect(report.ledger.rows).toEqual([{ predicted: c.outcome, actual, join, count: 1 }]);
  });

  it('counts every case in the serving watcher ledger metrics', async () => {
    const metrics = await waitFor('ledger metrics for every case', async () => {
      const text = await pullguardMetrics();
      const all = cases.every(
        (c) =>
          (c.outcome === 'never-pull' && neverAbsentUncertain !== undefined) ||
          metricValue(text, 'pullguard_prediction_outcomes_total', {
            predicted: c.outcome,
            actual: c.outcome === 'ok' ? 'pulled' : c.outcome,
          }) >= 1,
      );
      return all ? text : undefined;
    });
    expect(
      metricValue(metrics, 'pullguard_prediction_outcomes_total', {
        join: 'failure-predicted-same',
        predicted: 'platform-mismatch',
        actual: 'platform-mismatch',
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('warns image-recently-failed on the next apply of an image that just failed', async () => {
    const ns = namespaces.get('missing-tag')!;
    const result = await apply(pod('again', { image: images.missingTag }), ns, { dryRun: 'server' });
    expect(result.code).toBe(0);
    const line = warnings(result).find((w) => w.startsWith('[image-recently-failed]'));
    expect(line).toMatch(
      new RegExp(
        `^\\[image-recently-failed\\] container "app" image "${images.missingTag.replace(/[.]/g, '\\.')}"`,
      ),
    );
    expect(line).toMatch(/ErrImagePull|ImagePullBackOff/);
  });
});
