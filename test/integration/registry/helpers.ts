// Shared by the registry integration tests: a config listing the test registries and a one-image probe.

import { buildConfig } from '../../../src/config/load.js';
import type { Config } from '../../../src/config/schema.js';
import type { ImageFacts, PullCredential } from '../../../src/core/facts.js';
import type { RegistryProber } from '../../../src/core/gather.js';
import { parseImageReference } from '../../../src/image/reference.js';
import type { TestRegistries } from '../../support/registries/index.js';

export function configFor(
  registries: TestRegistries,
  extra: Record<string, unknown> = {},
  listed: readonly object[] = [],
): Config {
  return buildConfig({
    registries: [
      { prefix: registries.plain.host, insecure: true },
      { prefix: registries.basic.host, ca: registries.caCert, private: true },
      { prefix: registries.token.host, insecure: true },
      ...listed,
    ],
    ...extra,
  });
}

export function credential(
  secretName: string,
  key: string,
  username: string,
  password: string,
): PullCredential {
  return { secretName, key, username, password };
}

export async function probeImage(
  prober: RegistryProber,
  image: string,
  credentials: readonly PullCredential[] = [],
  signal: AbortSignal = AbortSignal.timeout(20_000),
): Promise<ImageFacts> {
  const parsed = parseImageReference(image);
  if (!parsed.ok) throw new Error(`bad test image ${image}: ${parsed.error}`);
  const facts = await prober.probe([{ pointer: '/spec/containers/0', ref: parsed.ref, credentials }], signal);
  const result = facts.get('/spec/containers/0');
  if (!result) throw new Error('no facts for the container');
  return result;
}
