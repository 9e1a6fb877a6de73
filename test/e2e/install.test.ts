// The packaged install, the way users run it: pullguard's OCI image in the testbed's registry,
// `kubectl apply -k` of the audit overlay (2 replicas, self-managed certificates, Lease-elected
// watcher), warnings in a namespace of its own, then the enforce overlay (deny, failurePolicy Fail)
// and the loss of the leading replica during a burst of pod creations (hardening item 6).
// The suite's host webhooks only select namespaces labelled pullguard.dev/e2e, so the namespace
// here carries no labels and only the packaged webhooks answer. afterAll uninstalls whatever
// happened: with Fail, leftover webhook configurations would refuse every later test's pods.

import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { recordFigure } from '../harden/figures.js';
import { apply, getJson, kubectl, warnings, type KubectlResult } from './support/kubectl.js';
import { deployment } from './support/manifests.js';
import {
  caBundle,
  install,
  lease,
  leaderAmongPods,
  pullguardPods,
  pushPullguardImage,
  removeOverlayDir,
  rolledOut,
  uninstall,
  writeOverlay,
  PACKAGED,
} from './support/packaged.js';
import { describeE2E, e2e } from './support/suite.js';
import { waitFor } from './support/wait.js';

const INVALID = 'Registry.Example/UPPER:1';
const DENIED =
  /admission webhook "(validate|mutate)\.pullguard\.dev" denied the request: \[image-reference-invalid\] container "app" image "Registry\.Example\/UPPER:1"/;
/** Pod creations in the replica-loss burst, one started every BURST_SPACING_MS. */
const BURST = 40;
const BURST_SPACING_MS = 300;
/** The leader is deleted when this many creations have started; the rest (10.5 s) cover its preStop
 * pause and the closing of its listener. */
const DELETE_AT = 5;
/** A standby replica retries the Lease every 2 s; a second of polling and kubectl on top. */
const RENEW_SLACK_SECONDS = 5;

describeE2E('packaged install (kubectl apply -k)', () => {
  const overlays: string[] = [];
  let image = { name: '', digest: '' };
  let namespace = '';

  beforeAll(async () => {
    namespace = `pullguard-install-${randomBytes(3).toString('hex')}`;
    await kubectl(['create', 'namespace', namespace]);
    // The ServiceAccount admission plugin refuses pods until the default SA exists.
    await waitFor(`default ServiceAccount in ${namespace}`, async () =>
      (await getJson('serviceaccount', 'default', namespace)) ? true : undefined,
    );
  });

  afterAll(async () => {
    try {
      await uninstall(overlays.at(-1));
    } finally {
      await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false'], {
        allowFailure: true,
      });
      await Promise.all(overlays.map(removeOverlayDir));
    }
  }, 300_000);

  it('audit overlay: two Ready replicas, caBundle in both webhooks, a Lease holder', async () => {
    image = await pushPullguardImage(e2e().testbed.registryPlain, `e2e-${e2e().runId}`);
    overlays.push(await writeOverlay('audit', image));
    await install(overlays.at(-1)!);

    const pods = await pullguardPods();
    expect(pods).toHaveLength(2);
    for (const kind of ['validatingwebhookconfiguration', 'mutatingwebhookconfiguration'] as const) {
      const pem = await waitFor(`caBundle of the ${kind}`, () => caBundle(kind));
      expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    }
    expect(pods).toContain(await leaderAmongPods());
  }, 600_000);

  it('audit overlay: server dry-run prints warnings and creates nothing', async () => {
    const mutable = await apply(deployment('web', { image: 'nginx' }), namespace, { dryRun: 'server' });
    expect(mutable.code).toBe(0);
    expect(mutable.stdout).toContain('(server dry run)');
    expect(warnings(mutable)).toContainEqual(
      expect.stringMatching(/^\[image-tag-mutable\] container "app" image "nginx"/),
    );
    expect(await getJson('deployment', 'web', namespace)).toBeUndefined();

    const invalid = await apply(deployment('bad', { image: INVALID }), namespace, { dryRun: 'server' });
    expect(invalid.code).toBe(0);
    expect(warnings(invalid)).toContainEqual(
      expect.stringMatching(
        /^\[image-reference-invalid\] container "app" image "Registry\.Example\/UPPER:1"/,
      ),
    );
    expect(await getJson('deployment', 'bad', namespace)).toBeUndefined();
  });

  it('enforce overlay: an invalid reference is denied', async () => {
    overlays.push(await writeOverlay('enforce', image));
    await install(overlays.at(-1)!);
    const policy = await getJson<{ webhooks: { failurePolicy: string }[] }>(
      'validatingwebhookconfiguration',
      PACKAGED.validating,
    );
    expect(policy?.webhooks[0]?.failurePolicy).toBe('Fail');

    const result = await apply(deployment('bad', { image: INVALID }), namespace);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(DENIED);
    expect(await getJson('deployment', 'bad', namespace)).toBeUndefined();
  }, 400_000);

  it('replica loss under enforce: pods keep being admitted, leadership moves', async () => {
    // An image the policy admits (loopback registries are not probed from the pod), pinned by
    // digest; the pods never schedule, so the burst costs the node nothing but admission.
    const admitted = `${image.name}@${image.digest}`;
    const podManifest = (name: string) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: {
          nodeSelector: { 'pullguard.dev/no-such-node': 'true' },
          containers: [{ name: 'app', image: admitted }],
        },
      });
    const create = (name: string) => apply(podManifest(name), namespace);
    const probe = await create('before-burst');
    expect(probe.stderr).not.toMatch(/denied the request|failed calling webhook/);
    expect(probe.code).toBe(0);

    const victim = await leaderAmongPods();
    const before = await lease();
    const duration = before?.durationSeconds ?? 0;
    expect(duration).toBeGreaterThan(0);

    // The deleted leader's own log, to the end: when it began draining and stopped leading.
    const victimLog = kubectl(['-n', PACKAGED.namespace, 'logs', '-f', victim], {
      allowFailure: true,
      timeoutMs: 90_000,
    });
    // The Lease is polled from the moment the delete is sent, alongside the burst.
    let deletedAt = 0;
    let leadershipMoved: Promise<{ holder: string; gapSeconds: number }> | undefined;
    const results: KubectlResult[] = await Promise.all(
      Array.from({ length: BURST }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * BURST_SPACING_MS));
        if (i === DELETE_AT) {
          deletedAt = Date.now();
          await kubectl(['-n', PACKAGED.namespace, 'delete', 'pod', victim, '--wait=false']);
          leadershipMoved = waitFor(
            'a new Lease holder',
            async () => {
              const holder = (await lease())?.holder;
              return holder && holder !== victim
                ? { holder, gapSeconds: (Date.now() - deletedAt) / 1000 }
                : undefined;
            },
            { timeoutMs: 120_000, intervalMs: 250 },
          );
        }
        return create(`burst-${i}`);
      }),
    );
    const { holder: newLeader, gapSeconds } = await leadershipMoved!;
    await rolledOut(); // the replacement replica becomes Ready
    const shutdown = shutdownTimeline((await victimLog).stdout, deletedAt);

    const failures = results.filter((result) => result.code !== 0);
    const created = JSON.parse((await kubectl(['-n', namespace, 'get', 'pods', '-o', 'json'])).stdout) as {
      items: { metadata: { name: string } }[];
    };
    const createdInBurst = created.items.filter((pod) => pod.metadata.name.startsWith('burst-')).length;
    const withinLease = gapSeconds <= duration + RENEW_SLACK_SECONDS;
    recordFigure({
      item: '6-replica-loss',
      title: 'Replica loss',
      pass: failures.length === 0 && createdInBurst === BURST && withinLease,
      table: [
        ['creations', 'created', 'failures', 'leadership gap s', 'lease duration s'],
        [BURST, createdInBurst, failures.length, gapSeconds.toFixed(1), duration],
      ],
      notes: [
        'Packaged install (enforce overlay: failurePolicy Fail, 2 replicas) in the real-cluster testbed.',
        `Leader ${victim} deleted after ${DELETE_AT} of ${BURST} pod creations (one every ${BURST_SPACING_MS} ms); new leader ${newLeader}.`,
        'Gap: from the delete request to the Lease naming another holder.',
        `Deleted leader's log, seconds after the delete request: ${shutdown}.`,
        ...failures.map((result) => `failure: ${result.stderr.trim().split('\n')[0] ?? ''}`),
      ],
    });
    expect(failures.map((result) => result.stderr.trim())).toEqual([]);
    expect(createdInBurst).toBe(BURST);
    expect(newLeader).not.toBe(victim);
    expect(gapSeconds).toBeLessThanOrEqual(duration + RENEW_SLACK_SECONDS);
  }, 400_000);
});

/**
 * `12 admissions (last +4.9 s), draining in-flight requests +5.1 s, ...` from the JSON log lines a
 * stopping replica wrote after SINCE (epoch ms).
 */
function shutdownTimeline(log: string, since: number): string {
  const entries = log.split('\n').flatMap((line) => {
    try {
      const entry = JSON.parse(line) as { time?: number; msg?: string };
      return typeof entry.time === 'number' && entry.time >= since && entry.msg
        ? [{ msg: entry.msg, at: `+${((entry.time - since) / 1000).toFixed(1)} s` }]
        : [];
    } catch {
      return [];
    }
  });
  const admissions = entries.filter((entry) => entry.msg === 'admission');
  const others = entries.filter((entry) => entry.msg !== 'admission').map((e) => `${e.msg} ${e.at}`);
  const served = `${admissions.length} admissions${admissions.length ? ` (last ${admissions.at(-1)?.at})` : ''}`;
  return [served, ...others].join(', ');
}
