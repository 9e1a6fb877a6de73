// Failure policy with pullguard down: the default Ignore lets `kubectl apply` through (fail
// open: what pullguard would deny is admitted), and an enforce setup with Fail refuses it with
// the API server's "failed calling webhook" error. Pullguard is started again afterwards.

import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { setFailurePolicy, startPullguard, stopPullguard } from './support/deploy.js';
import { apply, getJson } from './support/kubectl.js';
import { pod } from './support/manifests.js';
import { useNamespace } from './support/namespaces.js';
import { describeE2E, e2e } from './support/suite.js';
import { pushPlain } from './support/images.js';

const INVALID = { image: 'Registry.Example/UPPER:1' };

describeE2E('failure policy with pullguard stopped', () => {
  const ns = useNamespace('enforce', 'failopen');
  let good = '';

  beforeAll(async () => {
    good = await pushPlain(e2e().testbed, 'e2e/fail-open', '1');
  });

  afterAll(async () => {
    await setFailurePolicy('Ignore');
    await startPullguard();
  });

  it('denies while pullguard runs', async () => {
    const result = await apply(pod('while-up', INVALID), ns.name);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/denied the request: \[image-reference-invalid\]/);
  });

  it('admits with failurePolicy Ignore when pullguard is down', async () => {
    await stopPullguard();
    const result = await apply(pod('fail-open', INVALID), ns.name);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await getJson('pod', 'fail-open', ns.name)).toBeDefined();
  });

  it('refuses with failurePolicy Fail when pullguard is down', async () => {
    await setFailurePolicy('Fail');
    const result = await apply(pod('fail-closed', { image: good }), ns.name);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /Internal error occurred: failed calling webhook "(mutate|validate)\.pullguard\.dev": failed to call webhook: Post "https:\/\/127\.0\.0\.1:\d+\/(mutate|validate)\?timeout=3s": dial tcp 127\.0\.0\.1:\d+: connect: connection refused/,
    );
    expect(await getJson('pod', 'fail-closed', ns.name)).toBeUndefined();
  });

  it('decides again once pullguard is back, with Fail still set', async () => {
    await startPullguard();
    const result = await apply(pod('back-up', INVALID), ns.name);
    expect(result.stderr).toMatch(/denied the request: \[image-reference-invalid\]/);
    const allowed = await apply(pod('back-up-ok', { image: good }), ns.name, { dryRun: 'server' });
    expect(allowed.code).toBe(0);
  });
});
