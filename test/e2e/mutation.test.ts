// Patches seen in the stored object, and the kubelet then running the patched pod: the configured
// pull secret added for a private registry, and imagePullPolicy Never -> IfNotPresent when no
// node has the image.

import { beforeAll, expect, it } from '@jest/globals';
import { pushPlain, pushTls } from './support/images.js';
import { apply, getJson, kubectl } from './support/kubectl.js';
import { dockerConfigSecret, pod } from './support/manifests.js';
import { useNamespace } from './support/namespaces.js';
import { requireCompleteNodeImageLists } from './support/nodes.js';
import { describeE2E, e2e } from './support/suite.js';
import { running, waitForContainer, type Pod } from './support/wait.js';

describeE2E('mutation (patch actions)', () => {
  const ns = useNamespace('patch', 'mutate');
  let privateImage = '';
  let absentImage = '';

  beforeAll(async () => {
    const { testbed, runId } = e2e();
    privateImage = await pushTls(testbed, `e2e/private-${runId}`, '1');
    absentImage = await pushPlain(testbed, `e2e/never-${runId}`, '1');
    const secret = dockerConfigSecret(
      'regcred',
      testbed.registryTls,
      testbed.registryUser,
      testbed.registryPass,
    );
    await kubectl(['apply', '-n', ns.name, '-f', '-'], { input: secret });
  });

  it('adds the configured pull secret for the private registry, and the pod pulls with it', async () => {
    const result = await apply(pod('private', { image: privateImage }), ns.name);
    expect(result.code).toBe(0);
    const stored = await getJson<Pod>('pod', 'private', ns.name);
    expect(stored?.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    await waitForContainer(ns.name, 'private', running);
  });

  it('turns Never into IfNotPresent when no node has the image, and the pod pulls it', async () => {
    await requireCompleteNodeImageLists(); // the patch is made on certainty only
    const result = await apply(pod('never', { image: absentImage, imagePullPolicy: 'Never' }), ns.name);
    expect(result.code).toBe(0);
    const stored = await getJson<Pod>('pod', 'never', ns.name);
    const containers = stored?.spec.containers as { imagePullPolicy?: string }[] | undefined;
    expect(containers?.[0]?.imagePullPolicy).toBe('IfNotPresent');
    await waitForContainer(ns.name, 'never', running);
  });
});
