// Recorded pods and kubelet events (message shapes as containerd and the kubelet write them),
// a fake cluster that serves them, and a fake registry inspector answering from a table.

import { buildConfig } from '../../../src/config/load.js';
import type { ProbeResult, PullCredential } from '../../../src/core/facts.js';
import type { Lookup } from '../../../src/cluster/store.js';
import { PodUnreadableError, type DiagnoseCluster } from '../../../src/diagnose/cluster.js';
import type { RegistryInspector, TagsAnswer } from '../../../src/diagnose/inspector.js';
import { runDiagnose } from '../../../src/diagnose/run.js';
import type { DiagnoseReport } from '../../../src/diagnose/types.js';
import { repositoryName, type ImageReference } from '../../../src/image/reference.js';

export const NOW = Date.parse('2025-06-01T12:00:00Z');
const at = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000).toISOString();

export interface PodOptions {
  readonly name?: string;
  readonly image: string;
  readonly pullPolicy?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly secrets?: readonly string[];
  readonly node?: string;
  readonly phase?: string;
  readonly owner?: { kind: string; name: string };
  readonly hash?: string;
}

export function pod(options: PodOptions): Record<string, unknown> {
  const name = options.name ?? 'web';
  const waiting = options.reason
    ? { waiting: { reason: options.reason, ...(options.message ? { message: options.message } : {}) } }
    : { running: { startedAt: at(5) } };
  return {
    metadata: {
      name,
      namespace: 'shop',
      uid: `uid-${name}`,
      ...(options.hash ? { labels: { 'pod-template-hash': options.hash } } : {}),
      ...(options.owner
        ? { ownerReferences: [{ ...options.owner, controller: true, apiVersion: 'apps/v1', uid: 'o' }] }
        : {}),
    },
    spec: {
      nodeName: options.node ?? 'node-a',
      serviceAccountName: 'default',
      ...(options.secrets ? { imagePullSecrets: options.secrets.map((n) => ({ name: n })) } : {}),
      containers: [
        {
          name: 'app',
          image: options.image,
          ...(options.pullPolicy ? { imagePullPolicy: options.pullPolicy } : {}),
        },
      ],
    },
    status: {
      phase: options.phase ?? (options.reason ? 'Pending' : 'Running'),
      containerStatuses: [{ name: 'app', image: options.image, state: waiting }],
    },
  };
}

/** The kubelet's event sequence for one failed pull that went into back-off, `count` times. */
export function failedPullEvents(
  podName: string,
  image: string,
  error: string,
  count = 3,
): Record<string, unknown>[] {
  const involved = {
    kind: 'Pod',
    namespace: 'shop',
    name: podName,
    uid: `uid-${podName}`,
    fieldPath: 'spec.containers{app}',
  };
  const event = (name: string, type: string, reason: string, message: string, n: number, ago: number) => ({
    metadata: { name: `${podName}.${name}`, namespace: 'shop' },
    involvedObject: involved,
    type,
    reason,
    message,
    count: n,
    firstTimestamp: at(120),
    lastTimestamp: at(ago),
  });
  return [
    event('pulling', 'Normal', 'Pulling', `Pulling image "${image}"`, count, 42),
    event('failed', 'Warning', 'Failed', `Failed to pull image "${image}": ${error}`, count, 41),
    event('errpull', 'Warning', 'Failed', 'Error: ErrImagePull', count, 41),
    event('backoff', 'Normal', 'BackOff', `Back-off pulling image "${image}"`, count + 1, 10),
    event('errbackoff', 'Warning', 'Failed', 'Error: ImagePullBackOff', count + 1, 10),
  ];
}

export function dockerSecret(
  name: string,
  auths: Record<string, { username: string; password: string }>,
): Record<string, unknown> {
  const config = {
    auths: Object.fromEntries(
      Object.entries(auths).map(([k, v]) => [
        k,
        { auth: Buffer.from(`${v.username}:${v.password}`).toString('base64') },
      ]),
    ),
  };
  return {
    metadata: { name },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(JSON.stringify(config)).toString('base64') },
  };
}

export interface ClusterFixture {
  readonly pods: readonly Record<string, unknown>[];
  readonly events?: readonly Record<string, unknown>[];
  readonly serviceAccountSecrets?: readonly string[];
  readonly secrets?: Readonly<Record<string, Record<string, unknown>>>;
  readonly nodeImages?: readonly string[];
  readonly nodeArch?: string;
  readonly imageListCapped?: boolean;
}

export interface FakeCluster extends DiagnoseCluster {
  readonly secretReads: string[];
}

export function fakeCluster(fixture: ClusterFixture): FakeCluster {
  const secretReads: string[] = [];
  return {
    secretReads,
    async readPod(namespace, name) {
      const found = fixture.pods.find((p) => (p.metadata as { name: string }).name === name);
      if (!found)
        throw new PodUnreadableError(`cannot read pod ${namespace}/${name}: 404: pods "${name}" not found`);
      return found;
    },
    listPods: async () => fixture.pods,
    podEvents: async (_ns, uid) =>
      (fixture.events ?? []).filter((e) => (e.involvedObject as { uid: string }).uid === uid),
    serviceAccount: async (): Promise<Lookup<unknown>> => ({
      status: 'found',
      value: {
        metadata: { name: 'default' },
        ...(fixture.serviceAccountSecrets
          ? { imagePullSecrets: fixture.serviceAccountSecrets.map((name) => ({ name })) }
          : {}),
      },
    }),
    async secret(_ns, name): Promise<Lookup<unknown>> {
      secretReads.push(name);
      const found = fixture.secrets?.[name];
      return found ? { status: 'found', value: found } : { status: 'not-found' };
    },
    node: async (name) => ({
      metadata: { name, labels: {} },
      status: {
        nodeInfo: { operatingSystem: 'linux', architecture: fixture.nodeArch ?? 'amd64' },
        images: fixture.imageListCapped
          ? Array.from({ length: 50 }, (_, i) => ({ names: [`example.org/filler/${i}:1`] }))
          : (fixture.nodeImages ?? []).map((n) => ({ names: [n] })),
      },
    }),
  };
}

/** Answers keyed by `anonymous` or the credential's password, per repository:reference. */
export interface RegistryTable {
  readonly manifests: Readonly<Record<string, Readonly<Record<string, ProbeResult>>>>;
  readonly tags?: Readonly<Record<string, Readonly<Record<string, TagsAnswer>>>>;
  readonly dnsError?: string;
  readonly tls?: 'trusted' | 'untrusted' | 'plain-http';
}

export interface FakeInspector extends RegistryInspector {
  readonly asked: string[];
}

export function fakeInspector(table: RegistryTable): FakeInspector {
  const asked: string[] = [];
  const who = (credential?: PullCredential) => (credential ? credential.password : 'anonymous');
  return {
    asked,
    async manifest(ref: ImageReference, credential?: PullCredential) {
      const key = `${repositoryName(ref)}:${ref.tag ?? ref.digest}`;
      asked.push(`manifest ${key} ${who(credential)}`);
      return (
        table.manifests[key]?.[who(credential)] ?? {
          outcome: 'not-found',
          httpStatus: 404,
          registryCode: 'MANIFEST_UNKNOWN',
        }
      );
    },
    async tags(ref, credential) {
      asked.push(`tags ${repositoryName(ref)} ${who(credential)}`);
      return (
        table.tags?.[repositoryName(ref)]?.[who(credential)] ?? { outcome: 'not-found', httpStatus: 404 }
      );
    },
    dns: async () => (table.dnsError ? { error: table.dnsError } : { addresses: ['192.0.2.10'] }),
    tls: async () => ({ status: table.tls ?? 'trusted' }),
    origin: (ref) => `https://${ref.domain}`,
    close: async () => undefined,
  };
}

export const config = buildConfig({
  registries: [{ prefix: 'registry.corp.example', pullSecret: 'corp-pull' }],
});

export async function diagnoseOne(
  fixture: ClusterFixture,
  table: RegistryTable,
  podName = 'web',
): Promise<DiagnoseReport> {
  return runDiagnose(
    { cluster: fakeCluster(fixture), inspector: () => fakeInspector(table), config, now: () => NOW },
    'shop',
    { pod: podName },
  );
}

export const ERRORS = {
  notFound: (image: string) =>
    `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`,
  unauthorized: (image: string, host: string, tag: string) =>
    `rpc error: code = Unknown desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": pulling from host ${host} failed with status code [manifests ${tag}]: 401 Unauthorized`,
  pullAccessDenied: (image: string) =>
    `rpc error: code = Unknown desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`,
  rateLimited: (image: string) =>
    `rpc error: code = Unknown desc = failed to pull and unpack image "${image}": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/nginx/manifests/sha256:abc: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit.`,
  platform: (image: string) =>
    `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": no match for platform in manifest: not found`,
};
