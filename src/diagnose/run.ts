// Diagnose one pod or every pod of a namespace with an image problem: read what is needed,
// rebuild the image history with the watcher's tracker, gather live evidence for each failing
// container, and explain it.

import { pullSecretFacts } from '../cluster/pull-secrets.js';
import { nodeRecord, normaliseImageName } from '../cluster/node-record.js';
import type { Lookup, NamespacedSource, SecretRecord, ServiceAccountRecord } from '../cluster/store.js';
import type { Config } from '../config/schema.js';
import type { PullSecretFacts } from '../core/facts.js';
import { secretFact } from '../credentials/docker-config.js';
import {
  effectivePullPolicy,
  formatReference,
  parseImageReference,
  type ImageReference,
} from '../image/reference.js';
import { matchRegistry } from '../registry/registry-match.js';
import { isFailureState } from '../watch/state.js';
import { imagePullSecretNames, isObject, serviceAccountName, type JsonObject } from '../workload/walker.js';
import type { DiagnoseCluster } from './cluster.js';
import { matchCredentials } from './credentials.js';
import { registryEvidence } from './evidence.js';
import { explain } from './explain.js';
import type { Owner } from './fix.js';
import { imageHistory, podHistory } from './history.js';
import type { RegistryInspector } from './inspector.js';
import type {
  ContainerDiagnosis,
  DiagnoseReport,
  NodeEvidence,
  PodDiagnosis,
  PullSecretEvidence,
} from './types.js';
import { platformString } from './types.js';

export interface DiagnoseDeps {
  readonly cluster: DiagnoseCluster;
  /** Built once per run, for the registries of the pods about to be diagnosed. */
  readonly inspector: (refs: readonly ImageReference[]) => RegistryInspector;
  readonly config: Config;
  readonly now: () => number;
}

export type DiagnoseTarget = { readonly pod: string } | { readonly all: true };

export async function runDiagnose(
  deps: DiagnoseDeps,
  namespace: string,
  target: DiagnoseTarget,
): Promise<DiagnoseReport> {
  let namespacePods: readonly unknown[] | undefined;
  const podsOfNamespace = async () => (namespacePods ??= await deps.cluster.listPods(namespace));
  const pods =
    'pod' in target
      ? [await deps.cluster.readPod(namespace, target.pod)]
      : (await podsOfNamespace()).filter(hasImageProblem);
  const refs = pods.flatMap((pod) => containersOf(pod).flatMap((c) => (c.ref ? [c.ref] : [])));
  const inspector = deps.inspector(refs);
  try {
    const results: PodDiagnosis[] = [];
    for (const pod of pods) results.push(await diagnosePod(deps, inspector, pod, podsOfNamespace));
    return { pods: results, problems: results.filter((p) => p.problem).length };
  } finally {
    await inspector.close();
  }
}

async function diagnosePod(
  deps: DiagnoseDeps,
  inspector: RegistryInspector,
  pod: unknown,
  podsOfNamespace: () => Promise<readonly unknown[]>,
): Promise<PodDiagnosis> {
  const metadata = record(record(pod).metadata);
  const spec = record(record(pod).spec);
  const status = record(record(pod).status);
  const namespace = str(metadata.namespace) ?? 'default';
  const name = str(metadata.name) ?? '';
  const uid = str(metadata.uid) ?? '';
  const nodeName = str(spec.nodeName);
  const events = uid ? await deps.cluster.podEvents(namespace, uid) : [];
  const history = podHistory(pod, events, deps.now());
  const secrets = await readPullSecrets(deps.cluster, namespace, spec);
  const pullSecrets = secretEvidence(secrets, serviceAccountName(spec), history.missingSecrets);
  const containers = containersOf(pod);
  const failing = containers.filter((c) =>
    isFailureState(history.record?.containers.get(c.name)?.state ?? 'Waiting'),
  );
  const node = failing.length > 0 && nodeName ? nodeRecord(await deps.cluster.node(nodeName)) : undefined;
  const others = failing.length > 0 ? await podsOfNamespace().catch(() => []) : [];
  const credentials = 'unknown' in secrets ? [] : secrets.secrets.flatMap((s) => s.credentials);

  const results: ContainerDiagnosis[] = [];
  for (const container of containers) {
    const tracked = history.record?.containers.get(container.name);
    const imageState = imageHistory(tracked, container.waitingReason, history.pullErrors.get(container.name));
    const problem = isFailureState(imageState.state);
    const ref = container.ref;
    const registry =
      problem && ref ? await registryEvidence(inspector, ref, matchCredentials(credentials, ref)) : undefined;
    const nodeEvidence: NodeEvidence | undefined =
      problem && node && ref
        ? {
            name: node.name,
            platform: platformString(node.platform),
            hasImage: node.images.includes(formatReference(ref))
              ? true
              : node.imageListCapped
                ? 'unknown'
                : false,
          }
        : undefined;
    const runningElsewhere = problem && ref ? runningWith(others, formatReference(ref), name) : [];
    const explanation = explain({
      context: {
        namespace,
        pod: name,
        container: container.name,
        pointer: container.pointer,
        owner: ownerOf(metadata),
        serviceAccount: serviceAccountName(spec),
        secretSource: pullSecrets.source,
      },
      image: container.image,
      ref,
      pullPolicy: container.pullPolicy,
      history: imageState,
      kubeletOutcome: tracked?.outcome,
      pullSecrets,
      ...(registry ? { registry } : {}),
      ...(nodeEvidence ? { node: nodeEvidence } : {}),
      runningElsewhere,
      ...(ref && matchRegistry(deps.config, ref)?.pullSecret
        ? { configuredSecret: matchRegistry(deps.config, ref)?.pullSecret }
        : {}),
    });
    results.push({
      name: container.name,
      image: container.image,
      pullPolicy: container.pullPolicy,
      status: problem ? 'problem' : 'ok',
      history: imageState,
      ...explanation,
      ...(registry ? { registry } : {}),
      ...(nodeEvidence ? { node: nodeEvidence } : {}),
      ...(runningElsewhere.length > 0 ? { runningElsewhere } : {}),
    });
  }
  return {
    namespace,
    name,
    uid,
    node: nodeName ?? null,
    phase: str(status.phase) ?? null,
    pullSecrets,
    containers: results,
    problem: results.some((c) => c.status === 'problem'),
  };
}

interface PodContainer {
  readonly name: string;
  readonly image: string;
  readonly ref: ImageReference | undefined;
  readonly pullPolicy: string;
  /** JSON Pointer below the pod spec, for template patches. */
  readonly pointer: string;
  readonly waitingReason: string | undefined;
}

function containersOf(pod: unknown): PodContainer[] {
  const spec = record(record(pod).spec);
  const status = record(record(pod).status);
  const waiting = new Map<string, string>();
  for (const list of ['initContainerStatuses', 'containerStatuses']) {
    for (const item of listOf(status[list])) {
      const reason = str(record(record(item.state).waiting).reason);
      if (typeof item.name === 'string' && reason) waiting.set(item.name, reason);
    }
  }
  return (['initContainers', 'containers'] as const).flatMap((list) =>
    listOf(spec[list]).flatMap((item, index) => {
      if (typeof item.name !== 'string') return [];
      const image = str(item.image) ?? '';
      const parsed = parseImageReference(image);
      return [
        {
          name: item.name,
          image,
          ref: parsed.ok ? parsed.ref : undefined,
          pullPolicy: effectivePullPolicy(image, item.imagePullPolicy),
          pointer: `/${list}/${index}`,
          waitingReason: waiting.get(item.name),
        },
      ];
    }),
  );
}

function hasImageProblem(pod: unknown): boolean {
  const status = record(record(pod).status);
  return ['initContainerStatuses', 'containerStatuses'].some((list) =>
    listOf(status[list]).some((item) => isFailureState(str(record(record(item.state).waiting).reason) ?? '')),
  );
}

type SecretsAnswer = PullSecretFacts | { unknown: string };

/** The ServiceAccount and only the secrets the kubelet would read, then the cluster's own rules. */
async function readPullSecrets(
  cluster: DiagnoseCluster,
  namespace: string,
  spec: JsonObject,
): Promise<SecretsAnswer> {
  const saName = serviceAccountName(spec);
  const saRaw = await cluster.serviceAccount(namespace, saName);
  const sa: Lookup<ServiceAccountRecord> =
    saRaw.status === 'found'
      ? { status: 'found', value: { imagePullSecrets: imagePullSecretNames(record(saRaw.value)) } }
      : saRaw;
  const own = imagePullSecretNames(spec);
  const names = own.length > 0 ? own : sa.status === 'found' ? sa.value.imagePullSecrets : [];
  const secrets = new Map<string, Lookup<SecretRecord>>();
  for (const name of new Set(names).values()) {
    const raw = await cluster.secret(namespace, name);
    if (raw.status !== 'found') secrets.set(name, raw);
    else {
      const secret = record(raw.value);
      const fact = secretFact({ name, type: secret.type, data: secret.data, stringData: secret.stringData });
      secrets.set(name, {
        status: 'found',
        value: { credentials: fact.credentials, ...(fact.invalid ? { invalid: fact.invalid } : {}) },
      });
    }
  }
  const source: NamespacedSource = {
    serviceAccount: () => sa,
    secret: (_namespace, name) => secrets.get(name) ?? { status: 'unknown', reason: 'not read' },
  };
  return pullSecretFacts(source, namespace, spec);
}

function secretEvidence(
  answer: SecretsAnswer,
  serviceAccount: string,
  missing: readonly string[],
): PullSecretEvidence {
  if ('unknown' in answer) return { source: 'unknown', serviceAccount, secrets: [], missing };
  return {
    source: answer.source,
    serviceAccount,
    secrets: answer.secrets.map((secret) => ({
      name: secret.name,
      status: secret.status,
      ...(secret.invalid ? { invalid: secret.invalid } : {}),
      keys: [...new Set(secret.credentials.map((c) => c.key))],
    })),
    missing,
  };
}

/** Running pods (other than this one) with a container of this image, and their nodes. */
function runningWith(pods: readonly unknown[], image: string, self: string): { pod: string; node: string }[] {
  const found: { pod: string; node: string }[] = [];
  for (const pod of pods) {
    const name = str(record(record(pod).metadata).name) ?? '';
    const spec = record(record(pod).spec);
    if (name === self || str(record(record(pod).status).phase) !== 'Running') continue;
    const uses = [...listOf(spec.containers), ...listOf(spec.initContainers)].some(
      (c) => typeof c.image === 'string' && normaliseImageName(c.image) === image,
    );
    if (uses) found.push({ pod: name, node: str(spec.nodeName) ?? '' });
  }
  return found;
}

/** The controlling owner; a ReplicaSet named `<deployment>-<pod-template-hash>` is reported as its Deployment. */
function ownerOf(metadata: JsonObject): Owner | undefined {
  const controller = listOf(metadata.ownerReferences).find((ref) => ref.controller === true);
  const kind = str(controller?.kind);
  const name = str(controller?.name);
  if (!kind || !name) return undefined;
  const hash = str(record(metadata.labels)['pod-template-hash']);
  if (kind === 'ReplicaSet' && hash && name.endsWith(`-${hash}`))
    return { kind: 'Deployment', name: name.slice(0, -hash.length - 1) };
  return { kind, name };
}

function record(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}

function listOf(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
