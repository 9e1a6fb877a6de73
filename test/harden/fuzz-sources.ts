// Fact sources for the fuzzer: the real ManifestClusterView over a few Secrets and a
// ServiceAccount, two nodes, and a prober fake that answers every pull outcome in turn, so that
// every rule and patch path sees hostile workloads.

import { createHash } from 'node:crypto';
import { buildConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import type { ImageFacts, NodeFacts, ProbeResult } from '../../src/core/facts.js';
import type { ClusterView, FactSources, RegistryProber } from '../../src/core/gather.js';
import { PULL_OUTCOMES } from '../../src/core/outcomes.js';
import { ManifestClusterView } from '../../src/cluster/manifest-view.js';

const dockerConfig = Buffer.from(
  JSON.stringify({ auths: { 'registry.corp.example': { auth: Buffer.from('u:p').toString('base64') } } }),
).toString('base64');

const manifests = [
  {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/dockerconfigjson',
    metadata: { name: 'regcred', namespace: 'team' },
    data: { '.dockerconfigjson': dockerConfig },
  },
  { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'broken', namespace: 'team' } },
  {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'builder', namespace: 'team' },
    imagePullSecrets: [{ name: 'regcred' }],
  },
];

const nodes: NodeFacts = {
  complete: true,
  candidates: [
    {
      name: 'node-a',
      platform: { os: 'linux', architecture: 'amd64' },
      images: ['docker.io/library/nginx:1.27'],
      imageListCapped: false,
    },
    { name: 'node-b', platform: { os: 'linux', architecture: 'arm64' }, images: [], imageListCapped: true },
  ],
};

export function fuzzClusterView(): ClusterView {
  const view = new ManifestClusterView(manifests);
  return {
    pullSecrets: (namespace, spec) => view.pullSecrets(namespace, spec),
    nodes: () => nodes,
    secretStatus: (namespace, name) => view.secretStatus(namespace, name),
  };
}

function resultFor(image: string): ProbeResult {
  const byte = createHash('sha256').update(image).digest()[0] ?? 0;
  const outcome = PULL_OUTCOMES[byte % PULL_OUTCOMES.length] ?? 'ok';
  return {
    outcome,
    digest: `sha256:${'b'.repeat(64)}`,
    platforms: [{ os: 'linux', architecture: byte % 2 ? 'amd64' : 'arm64' }],
    httpStatus: 200,
    detail: `fuzz answer ${outcome}`,
  };
}

export const everyOutcomeProber: RegistryProber = {
  async probe(requests) {
    const facts = new Map<string, ImageFacts>();
    for (const request of requests) {
      const result = resultFor(`${request.ref.domain}/${request.ref.path}`);
      facts.set(
        request.pointer,
        request.credentials.length > 0
          ? {
              withCredentials: request.credentials.map((c) => ({
                secretName: c.secretName,
                key: c.key,
                result,
              })),
            }
          : { anonymous: result },
      );
    }
    return facts;
  },
};

export function fuzzSources(): FactSources {
  return { cluster: fuzzClusterView(), prober: everyOutcomeProber };
}

/** Defaults, and one where every rule patches, with a mirror and a configured secret. */
export const FUZZ_CONFIGS: readonly Config[] = [
  buildConfig({}),
  buildConfig({
    rules: Object.fromEntries(
      [
        'image-tag-mutable',
        'pull-policy-never-absent',
        'pull-secret-missing',
        'registry-unreachable',
        'registry-rate-limited',
      ].map((id) => [id, 'patch']),
    ),
    registries: [
      { prefix: 'registry.corp.example', private: true, pullSecret: 'regcred' },
      { prefix: 'docker.io', mirror: 'mirror.corp.example/dockerhub' },
    ],
    patch: { pinTemplates: true },
  }),
];
