// Test images without Docker: OCI layouts from test/cluster/oci-image.sh (one linux/amd64 image,
// and a linux/arm64 one wrapped in a one-entry index by index-layout.sh), pushed with skopeo.

import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './processes.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const OCI_IMAGE_SCRIPT = resolve(HERE, '../../cluster/oci-image.sh');
const INDEX_SCRIPT = join(HERE, 'index-layout.sh');

export interface Layouts {
  /** A linux/amd64 image manifest. */
  readonly amd64: string;
  /** An OCI index with only a linux/arm64 entry. */
  readonly arm64Index: string;
}

export const LAYOUT_TAG = '1.0';

export async function buildLayouts(dir: string): Promise<Layouts> {
  const amd64 = join(dir, 'amd64');
  const arm64Index = join(dir, 'arm64-index');
  await run('bash', [OCI_IMAGE_SCRIPT, amd64, `app:${LAYOUT_TAG}`]);
  await run('bash', [OCI_IMAGE_SCRIPT, arm64Index, `app:${LAYOUT_TAG}`], { ARCH: 'arm64' });
  await run('bash', [INDEX_SCRIPT, arm64Index, LAYOUT_TAG]);
  return { amd64, arm64Index };
}

export interface PushTarget {
  readonly host: string;
  /** `user:password` for registries with auth. */
  readonly creds?: string;
  /** CA file for a TLS registry; absent for plain HTTP. */
  readonly caCert?: string;
  readonly certDir: string;
}

export type SeedFormat = 'oci' | 'v2s2';

export async function push(
  target: PushTarget,
  layout: string,
  repository: string,
  tag: string,
  format: SeedFormat,
  all = false,
): Promise<void> {
  const args = ['copy', '-q', '--retry-times', '2'];
  if (all) args.push('--all');
  if (format === 'v2s2') args.push('--format', 'v2s2');
  if (target.creds) args.push('--dest-creds', target.creds);
  if (target.caCert) {
    await mkdir(target.certDir, { recursive: true });
    await copyFile(target.caCert, join(target.certDir, 'ca.crt'));
    args.push('--dest-cert-dir', target.certDir);
  } else args.push('--dest-tls-verify=false');
  args.push(`oci:${layout}:${LAYOUT_TAG}`, `docker://${target.host}/${repository}:${tag}`);
  await run('skopeo', args);
}

/** The four images every test registry holds under `prefix/`: normal (OCI), v2s2, arm64-only index and list. */
export async function seedStandardImages(
  target: PushTarget,
  layouts: Layouts,
  prefix: string,
): Promise<void> {
  await push(target, layouts.amd64, `${prefix}/normal`, '1.0', 'oci');
  await push(target, layouts.amd64, `${prefix}/normal`, 'latest', 'oci');
  await push(target, layouts.amd64, `${prefix}/v2s2`, '1.0', 'v2s2');
  await push(target, layouts.arm64Index, `${prefix}/arm-oci`, '1.0', 'oci', true);
  await push(target, layouts.arm64Index, `${prefix}/arm-list`, '1.0', 'v2s2', true);
}
