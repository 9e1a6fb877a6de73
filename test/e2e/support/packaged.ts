// The packaged install as users run it: the OCI image from test/cluster/pullguard-image.sh, and
// `kubectl apply -k` of an overlay (manifests/overlays/audit or enforce) with the image pinned by
// digest. kustomize refuses absolute paths in `resources:`, so each install writes a small
// temporary overlay whose resource is the packaged overlay by relative path.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './deploy.js';
import { getJson, kubectl } from './kubectl.js';
import { runCommand, runScript } from './scripts.js';
import { waitFor } from './wait.js';

/** Names the packaged manifests use (manifests/base). */
export const PACKAGED = {
  namespace: 'pullguard',
  deployment: 'pullguard',
  lease: 'pullguard-watcher',
  validating: 'pullguard-validating',
  mutating: 'pullguard-mutating',
  podSelector: 'app.kubernetes.io/name=pullguard,app.kubernetes.io/component=webhook',
} as const;

export type Overlay = 'audit' | 'enforce';

/** Builds and pushes pullguard's image to REPOSITORY:TAG; returns it pinned by digest. */
export async function pushPullguardImage(
  registry: string,
  tag: string,
): Promise<{ name: string; digest: string }> {
  const name = `${registry}/pullguard`;
  const printed = (await runScript('pullguard-image.sh', [`${name}:${tag}`])).trim().split('\n').pop();
  if (printed !== `${name}:${tag}`) throw new Error(`pullguard-image.sh printed ${printed ?? 'nothing'}`);
  const digest = (
    await runCommand('skopeo', [
      'inspect',
      '--tls-verify=false',
      '--format',
      '{{.Digest}}',
      `docker://${name}:${tag}`,
    ])
  ).trim();
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`skopeo inspect printed digest "${digest}"`);
  return { name, digest };
}

/** A temporary kustomization: the packaged overlay with the image replaced by NAME@DIGEST. */
export async function writeOverlay(
  overlay: Overlay,
  image: { name: string; digest: string },
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `pullguard-e2e-${overlay}-`));
  const base = relative(dir, join(REPO_ROOT, 'manifests/overlays', overlay));
  await writeFile(
    join(dir, 'kustomization.yaml'),
    [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      `  - ${base}`,
      'images:',
      '  - name: pullguard',
      `    newName: ${image.name}`,
      `    digest: ${image.digest}`,
      '',
    ].join('\n'),
  );
  return dir;
}

export const removeOverlayDir = (dir: string) => rm(dir, { recursive: true, force: true });

/** `kubectl apply -k DIR`, then waits until the Deployment has rolled out (every replica Ready). */
export async function install(dir: string): Promise<void> {
  await kubectl(['apply', '-k', dir]);
  await rolledOut();
}

/**
 * `kubectl rollout status`, then until the replaced pods are gone: a terminating replica keeps
 * answering on the API server's open connections through its preStop pause, with its old config.
 */
export async function rolledOut(): Promise<void> {
  await kubectl(
    ['-n', PACKAGED.namespace, 'rollout', 'status', `deploy/${PACKAGED.deployment}`, '--timeout=240s'],
    { timeoutMs: 250_000 },
  );
  await waitFor(
    'replaced pullguard pods gone',
    async () => ((await allPullguardPods()).some((pod) => pod.terminating) ? undefined : true),
    { timeoutMs: 90_000 },
  );
}

/**
 * Uninstalls: `kubectl delete -k DIR` when an overlay was written, then the two webhook
 * configurations by name whatever happened before (with failurePolicy Fail they would refuse every
 * later pod in the testbed), then waits for the namespace to go. Never throws for a missing object;
 * throws when the webhook configurations are still there.
 */
export async function uninstall(dir: string | undefined): Promise<void> {
  if (dir) await kubectl(['delete', '-k', dir, '--ignore-not-found', '--wait=false'], { allowFailure: true });
  for (const [kind, name] of [
    ['validatingwebhookconfiguration', PACKAGED.validating],
    ['mutatingwebhookconfiguration', PACKAGED.mutating],
  ] as const) {
    await kubectl(['delete', kind, name, '--ignore-not-found'], { allowFailure: true });
    await waitFor(`${kind} ${name} deleted`, async () =>
      (await getJson(kind, name)) === undefined ? true : undefined,
    );
  }
  await kubectl(['delete', 'namespace', PACKAGED.namespace, '--ignore-not-found', '--timeout=120s'], {
    allowFailure: true,
    timeoutMs: 130_000,
  });
}

async function allPullguardPods(): Promise<{ name: string; terminating: boolean }[]> {
  const args = ['-n', PACKAGED.namespace, 'get', 'pods', '-l', PACKAGED.podSelector, '-o', 'json'];
  const list = JSON.parse((await kubectl(args)).stdout) as {
    items: { metadata: { name: string; deletionTimestamp?: string } }[];
  };
  return list.items.map((pod) => ({
    name: pod.metadata.name,
    terminating: !!pod.metadata.deletionTimestamp,
  }));
}

/** Names of the packaged pullguard pods that are not being deleted. */
export async function pullguardPods(): Promise<string[]> {
  return (await allPullguardPods()).filter((pod) => !pod.terminating).map((pod) => pod.name);
}

export interface LeaseState {
  readonly holder: string;
  readonly durationSeconds: number;
}

export async function lease(): Promise<LeaseState | undefined> {
  const object = await getJson<{ spec?: { holderIdentity?: string; leaseDurationSeconds?: number } }>(
    'lease',
    PACKAGED.lease,
    PACKAGED.namespace,
  );
  if (!object) return undefined;
  return {
    holder: object.spec?.holderIdentity ?? '',
    durationSeconds: object.spec?.leaseDurationSeconds ?? 0,
  };
}

/** Waits until the Lease is held by one of the running pullguard pods; returns the holder. */
export function leaderAmongPods(timeoutMs = 60_000): Promise<string> {
  return waitFor(
    `Lease ${PACKAGED.namespace}/${PACKAGED.lease} held by a running pullguard pod`,
    async () => {
      const holder = (await lease())?.holder;
      return holder && (await pullguardPods()).includes(holder) ? holder : undefined;
    },
    { timeoutMs },
  );
}

/** The caBundle of a packaged webhook configuration, decoded (PEM), or undefined while empty. */
export async function caBundle(
  kind: 'validatingwebhookconfiguration' | 'mutatingwebhookconfiguration',
): Promise<string | undefined> {
  const name = kind.startsWith('validating') ? PACKAGED.validating : PACKAGED.mutating;
  const object = await getJson<{ webhooks?: { clientConfig?: { caBundle?: string } }[] }>(kind, name);
  const bundle = object?.webhooks?.[0]?.clientConfig?.caBundle;
  return bundle ? Buffer.from(bundle, 'base64').toString('utf8') : undefined;
}
