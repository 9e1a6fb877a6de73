// Test images for the e2e suite, pushed to the testbed's registries without Docker (OCI layouts
// from test/cluster/oci-image.sh, an arm64-only index from index-layout.sh, skopeo).
// Built once per test process; names carry the run id so the node never has them cached.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLayouts, push, type Layouts } from '../../support/registries/images.js';
import type { Testbed } from './state.js';

let layouts: Promise<Layouts> | undefined;

function built(): Promise<Layouts> {
  layouts ??= mkdtemp(join(tmpdir(), 'pullguard-e2e-images-')).then(buildLayouts);
  return layouts;
}

/** Pushes a linux/amd64 image to the plain registry; returns the full reference. */
export async function pushPlain(testbed: Testbed, repository: string, tag: string): Promise<string> {
  const { amd64 } = await built();
  await push({ host: testbed.registryPlain, certDir: '' }, amd64, repository, tag, 'oci');
  return `${testbed.registryPlain}/${repository}:${tag}`;
}

/** Pushes an OCI index whose only entry is linux/arm64 to the plain registry. */
export async function pushArm64Only(testbed: Testbed, repository: string, tag: string): Promise<string> {
  const { arm64Index } = await built();
  await push({ host: testbed.registryPlain, certDir: '' }, arm64Index, repository, tag, 'oci', true);
  return `${testbed.registryPlain}/${repository}:${tag}`;
}

/** Pushes a linux/amd64 image to the TLS registry (basic auth). */
export async function pushTls(testbed: Testbed, repository: string, tag: string): Promise<string> {
  const { amd64 } = await built();
  await push(
    {
      host: testbed.registryTls,
      creds: `${testbed.registryUser}:${testbed.registryPass}`,
      caCert: testbed.ca,
      certDir: await mkdtemp(join(tmpdir(), 'pullguard-e2e-certs-')),
    },
    amd64,
    repository,
    tag,
    'oci',
  );
  return `${testbed.registryTls}/${repository}:${tag}`;
}
