// Cluster facts read through the real API by pullguard's informers: pull secrets (parsed, and
// matched to the registry), ServiceAccounts, and the node's image list; and the same facts kept
// current after kube-apiserver restarts (watches break, the reader re-lists).

import { beforeAll, expect, it } from '@jest/globals';
import { pushPlain, pushTls } from './support/images.js';
import { apply, kubectl, warnings } from './support/kubectl.js';
import { dockerConfigSecret, pod } from './support/manifests.js';
import { useNamespace } from './support/namespaces.js';
import { requireCompleteNodeImageLists } from './support/nodes.js';
import { runScript } from './support/scripts.js';
import { describeE2E, e2e } from './support/suite.js';
import { running, waitFor, waitForContainer } from './support/wait.js';

describeE2E('cluster facts through the real API', () => {
  const ns = useNamespace('enforce', 'facts');
  let privateImage = '';

  beforeAll(async () => {
    const { testbed, runId } = e2e();
    privateImage = await pushTls(testbed, `e2e/facts-${runId}`, '1');
  });

  /** Creates a pull secret for the TLS registry, with the right password unless told otherwise. */
  async function createSecret(name: string): Promise<void> {
    const { testbed } = e2e();
    const secret = dockerConfigSecret(name, testbed.registryTls, testbed.registryUser, testbed.registryPass);
    await kubectl(['apply', '-n', ns.name, '-f', '-'], { input: secret });
  }

  /** Dry-run applies until the answer satisfies `done` (informers deliver within moments). */
  function untilAnswer(manifest: string, done: (stderr: string, code: number) => boolean, what: string) {
    return waitFor(
      what,
      async () => {
        const result = await apply(manifest, ns.name, { dryRun: 'server' });
        return done(result.stderr, result.code) ? result : undefined;
      },
      { timeoutMs: 60_000 },
    );
  }

  it('denies a private image without a matching secret, and admits it once a ServiceAccount carries one', async () => {
    const denied = await apply(pod('no-secret', { image: privateImage }), ns.name, { dryRun: 'server' });
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain(`[pull-secret-missing] container "app" image "${privateImage}"`);

    await createSecret('sa-cred');
    await kubectl(['create', 'serviceaccount', 'builder', '-n', ns.name]);
    await kubectl([
      'patch',
      'serviceaccount',
      'builder',
      '-n',
      ns.name,
      '-p',
      '{"imagePullSecrets":[{"name":"sa-cred"}]}',
    ]);
    const manifest = pod('with-sa', { image: privateImage }, { serviceAccountName: 'builder' });
    const admitted = await untilAnswer(manifest, (_, code) => code === 0, 'admission with the SA secret');
    expect(admitted.stderr).not.toContain('[pull-secret');
  });

  it('warns about a referenced secret that does not exist, and stops once it is created', async () => {
    const manifest = pod('late-secret', { image: privateImage }, { imagePullSecrets: ['late-cred'] });
    const before = await apply(manifest, ns.name, { dryRun: 'server' });
    expect(
      warnings(before).some((w) => w.startsWith('[pull-secret-not-found]') && w.includes('late-cred')),
    ).toBe(true);
    await createSecret('late-cred');
    const after = await untilAnswer(
      manifest,
      (stderr, code) => code === 0 && !stderr.includes('[pull-secret-not-found]'),
      'secret seen',
    );
    expect(after.code).toBe(0);
  });

  it('reads the node image list: Never is allowed for an image on the node, denied for an absent one', async () => {
    const { testbed, runId } = e2e();
    const onNode = await pushPlain(testbed, `e2e/on-node-${runId}`, '1');
    await apply(pod('puller', { image: onNode }), ns.name);
    await waitForContainer(ns.name, 'puller', running);
    // The kubelet reports the new image in node.status.images at its next status update (~10 s).
    const present = await untilAnswer(
      pod('never-present', { image: onNode, imagePullPolicy: 'Never' }),
      (_, code) => code === 0,
      'the pulled image in the node status',
    );
    expect(warnings(present).some((w) => w.startsWith('[pull-policy-never]'))).toBe(true);
    const absentImage = `${testbed.registryPlain}/e2e/absent-${runId}:1`;
    await requireCompleteNodeImageLists();
    const absent = await apply(
      pod('never-absent', { image: absentImage, imagePullPolicy: 'Never' }),
      ns.name,
      {
        dryRun: 'server',
      },
    );
    expect(absent.code).not.toBe(0);
    expect(absent.stderr).toContain(`[pull-policy-never-absent] container "app" image "${absentImage}"`);
  });

  it('re-lists after kube-apiserver restarts: a secret created afterwards is seen', async () => {
    await runScript('restart-apiserver.sh');
    await createSecret('after-restart');
    const manifest = pod('after-restart', { image: privateImage }, { imagePullSecrets: ['after-restart'] });
    const result = await untilAnswer(
      manifest,
      (stderr, code) => code === 0 && !stderr.includes('[pull-secret'),
      'the secret created after the restart',
    );
    expect(result.code).toBe(0);
  });
});
