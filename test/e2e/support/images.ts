// Test images for the e2e suite, pushed to the testbed's registries without Docker: an OCI layout
// per image from test/cluster/oci-image.sh (which labels the config with the name, so every image
// has its own digest and the node's 5-names-per-image list stays exact), an arm64-only index from
// index-layout.sh, skopeo to push.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { push } from '../../support/registries/images.js';
import { run } from '../../support/registries/processes.js';
import type { Testbed } from './state.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const OCI_IMAGE = resolve(HERE, '../../cluster/oci-image.sh');
const INDEX_LAYOUT = resolve(HERE, '../../support/registries/index-layout.sh');
/** The tag oci-image.sh gives the layout's manifest (push reads it under this tag). */
const LAYOUT_TAG = '1.0';

type Target = 'plain' | 'tls';

/** Builds and pushes REGISTRY/REPOSITORY:TAG; returns the reference. `arm64`: a linux/arm64-only index. */
export async function pushImage(
  testbed: Testbed,
  target: Target,
  repository: string,
  tag: string,
  options: { readonly arm64?: boolean } = {},
): Promise<string> {
  const host = target === 'plain' ? testbed.registryPlain : testbed.registryTls;
  const reference = `${host}/${repository}:${tag}`;
  const work = await mkdtemp(join(tmpdir(), 'pullguard-e2e-image-'));
  try {
    const layout = join(work, 'layout');
    await run(
      'bash',
      [OCI_IMAGE, layout, `${reference.slice(0, reference.lastIndexOf(':'))}:${LAYOUT_TAG}`],
      {
        ARCH: options.arm64 ? 'arm64' : 'amd64',
      },
    );
    if (options.arm64) await run('bash', [INDEX_LAYOUT, layout, LAYOUT_TAG]);
    await push(
      target === 'plain'
        ? { host, certDir: '' }
        : {
            host,
            creds: `${testbed.registryUser}:${testbed.registryPass}`,
            caCert: testbed.ca,
            certDir: join(work, 'certs'),
          },
      layout,
      repository,
      tag,
      'oci',
      options.arm64 === true,
    );
    return reference;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export const pushPlain = (testbed: Testbed, repository: string, tag: string) =>
  pushImage(testbed, 'plain', repository, tag);
export const pushTls = (testbed: Testbed, repository: string, tag: string) =>
  pushImage(testbed, 'tls', repository, tag);
export const pushArm64Only = (testbed: Testbed, repository: string, tag: string) =>
  pushImage(testbed, 'plain', repository, tag, { arm64: true });
