// What `kubectl apply` prints when pullguard denies or warns, for real and with --dry-run=server
// (which must reach the webhook and create nothing).

import { beforeAll, expect, it } from '@jest/globals';
import { pushPlain } from './support/images.js';
import { apply, getJson, warnings } from './support/kubectl.js';
import { deployment } from './support/manifests.js';
import { useNamespace } from './support/namespaces.js';
import { describeE2E, e2e } from './support/suite.js';

const DENIED =
  /admission webhook "(validate|mutate)\.pullguard\.dev" denied the request: \[image-reference-invalid\] container "app" image "Registry\.Example\/UPPER:1"/;

describeE2E('kubectl apply through pullguard (enforce)', () => {
  const ns = useNamespace('enforce', 'apply');
  let latest = '';

  beforeAll(async () => {
    latest = await pushPlain(e2e().testbed, 'e2e/web', 'latest');
  });

  it.each([['server' as const], [undefined]])(
    'denies an invalid reference (dry-run %s) and stores nothing',
    async (dryRun) => {
      const result = await apply(deployment('bad', { image: 'Registry.Example/UPPER:1' }), ns.name, {
        dryRun,
      });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(DENIED);
      expect(await getJson('deployment', 'bad', ns.name)).toBeUndefined();
    },
  );

  it('warns about :latest with --dry-run=server and creates nothing', async () => {
    const result = await apply(deployment('latest', { image: latest }), ns.name, { dryRun: 'server' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(server dry run)');
    expect(
      warnings(result).some((w) => w.startsWith(`[image-tag-mutable] container "app" image "${latest}"`)),
    ).toBe(true);
    expect(await getJson('deployment', 'latest', ns.name)).toBeUndefined();
  });

  it('warns about :latest and about a missing tag, and creates the Deployment', async () => {
    const untagged = latest.replace(/:latest$/, '');
    for (const [name, image] of [
      ['latest', latest],
      ['untagged', untagged],
    ] as const) {
      const result = await apply(deployment(name, { image }), ns.name);
      expect(result.code).toBe(0);
      const lines = warnings(result);
      expect(lines.some((w) => w.startsWith(`[image-tag-mutable] container "app" image "${image}"`))).toBe(
        true,
      );
      expect(lines.every((w) => w.length < 256)).toBe(true);
      expect(await getJson('deployment', name, ns.name)).toBeDefined();
    }
  });
});
