// One namespace per test file (or per case), created in beforeAll and deleted in afterAll.
// The name's prefix selects pullguard's policy through the suite's config (namespaceOverrides):
//   e2e-enforce-*  the rule defaults: deny-level rules deny
//   e2e-warn-*     every rule warns: bad pods are created and the kubelet meets them
//   e2e-patch-*    pull-secret-missing and pull-policy-never-absent patch
// Namespaces with `webhook: false` carry pullguard.dev/ignore=true: no webhook is called there.

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from '@jest/globals';
import { kubectl } from './kubectl.js';

export type NamespaceMode = 'enforce' | 'warn' | 'patch';

export const E2E_LABEL = 'pullguard.dev/e2e';
export const IGNORE_LABEL = 'pullguard.dev/ignore';

export async function createNamespace(
  mode: NamespaceMode,
  purpose: string,
  options: { readonly webhook?: boolean } = {},
): Promise<string> {
  const name = `e2e-${mode}-${purpose}-${randomBytes(3).toString('hex')}`.slice(0, 63);
  const labels =
    options.webhook === false
      ? `${IGNORE_LABEL}: "true"`
      : `${E2E_LABEL}: "true"\n    ${IGNORE_LABEL}: "false"`;
  await kubectl(['apply', '-f', '-'], {
    input: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels:\n    ${labels}\n`,
  });
  // The ServiceAccount admission plugin refuses pods until the namespace's default SA exists.
  const deadline = Date.now() + 30_000;
  while ((await kubectl(['get', 'sa', 'default', '-n', name], { allowFailure: true })).code !== 0) {
    if (Date.now() > deadline) throw new Error(`namespace ${name}: no default ServiceAccount after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return name;
}

export async function deleteNamespace(name: string): Promise<void> {
  if (process.env.PULLGUARD_KEEP_TESTBED === '1') return; // left for inspection
  await kubectl(['delete', 'namespace', name, '--wait=false', '--ignore-not-found'], { allowFailure: true });
}

/** Registers beforeAll/afterAll for a namespace; read `.name` inside tests. */
export function useNamespace(
  mode: NamespaceMode,
  purpose: string,
  options: { readonly webhook?: boolean } = {},
): { name: string } {
  const holder = { name: '' };
  beforeAll(async () => {
    holder.name = await createNamespace(mode, purpose, options);
  });
  afterAll(async () => {
    if (holder.name) await deleteNamespace(holder.name);
  });
  return holder;
}
