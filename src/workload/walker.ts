// One pod-template walker shared by every rule and patch: it finds the pod spec of any workload
// kind and every container in it, each with the JSON Pointer a patch must use.

export const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;
export type ContainerList = (typeof CONTAINER_LISTS)[number];

/** Where the pod spec lives in each workload kind (apps/v1, batch/v1, v1). */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export const WORKLOAD_KINDS: readonly string[] = Object.keys(POD_SPEC_PATHS);

/** The JSON Pointer of each kind's pod spec, e.g. `/spec/template/spec`. */
const POD_SPEC_POINTERS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(POD_SPEC_PATHS).map(([kind, path]) => [kind, '/' + path.map(pointerToken).join('/')]),
);

export interface ContainerEntry {
  readonly name: string;
  readonly list: ContainerList;
  readonly index: number;
  /** JSON Pointer of the container object, e.g. `/spec/template/spec/containers/0`. */
  readonly pointer: string;
  /** The raw `image` value: may be anything a client sent. */
  readonly image: unknown;
  readonly imagePullPolicy: unknown;
}

export interface Workload {
  readonly kind: string;
  readonly apiVersion: string;
  readonly name: string;
  readonly namespace: string | null;
  readonly podSpecPointer: string;
  readonly podSpec: Readonly<Record<string, unknown>>;
  readonly containers: readonly ContainerEntry[];
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isWorkloadKind(kind: unknown): boolean {
  return typeof kind === 'string' && Object.hasOwn(POD_SPEC_PATHS, kind);
}

/** Escapes one reference token of a JSON Pointer (RFC 6901). */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Returns the workload view of a Kubernetes object, or undefined when the object is not a
 * workload kind or carries no pod spec. Malformed container entries are skipped, never thrown on.
 */
export function walkWorkload(object: unknown, fallbackNamespace: string | null = null): Workload | undefined {
  if (!isObject(object) || typeof object.kind !== 'string' || !isWorkloadKind(object.kind)) return undefined;
  const path = POD_SPEC_PATHS[object.kind] ?? [];
  let podSpec: unknown = object;
  for (const key of path) podSpec = isObject(podSpec) ? podSpec[key] : undefined;
  if (!isObject(podSpec)) return undefined;
  const podSpecPointer = POD_SPEC_POINTERS[object.kind] ?? '';
  const metadata = isObject(object.metadata) ? object.metadata : {};
  const name = stringOr(metadata.name, stringOr(metadata.generateName, ''));
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : fallbackNamespace;
  return {
    kind: object.kind,
    apiVersion: stringOr(object.apiVersion, ''),
    name,
    namespace,
    podSpecPointer,
    podSpec,
    containers: collectContainers(podSpec, podSpecPointer),
  };
}

function collectContainers(podSpec: JsonObject, podSpecPointer: string): ContainerEntry[] {
  const entries: ContainerEntry[] = [];
  for (const list of CONTAINER_LISTS) {
    const items = podSpec[list];
    if (!Array.isArray(items)) continue;
    for (let index = 0; index < items.length; index++) {
      const item: unknown = items[index];
      if (!isObject(item)) continue;
      entries.push({
        name: stringOr(item.name, `${list}[${index}]`),
        list,
        index,
        pointer: containerPointer(podSpecPointer, list, index),
        image: item.image,
        imagePullPolicy: item.imagePullPolicy,
      });
    }
  }
  return entries;
}

// The same few pointers come back in every admission; one string object per pointer saves
// building and hashing it again for every map the facts and findings are keyed by.
// Keys are the constant pod-spec pointers and list names, so the lookup builds no string.
const pointers = new Map<string, Map<ContainerList, string[]>>();
const MAX_REMEMBERED_INDEX = 64;

function containerPointer(podSpecPointer: string, list: ContainerList, index: number): string {
  if (index >= MAX_REMEMBERED_INDEX) return `${podSpecPointer}/${list}/${index}`;
  let lists = pointers.get(podSpecPointer);
  if (!lists) pointers.set(podSpecPointer, (lists = new Map()));
  let known = lists.get(list);
  if (!known) lists.set(list, (known = []));
  return (known[index] ??= `${podSpecPointer}/${list}/${index}`);
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** The pod spec's imagePullSecrets names, in order, ignoring malformed entries. */
export function imagePullSecretNames(podSpec: Readonly<JsonObject>): string[] {
  const list = podSpec.imagePullSecrets;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown) =>
    isObject(entry) && typeof entry.name === 'string' && entry.name !== '' ? [entry.name] : [],
  );
}

/** The ServiceAccount the pod runs as (`default` when unset, as the ServiceAccount admission plugin sets it). */
export function serviceAccountName(podSpec: Readonly<JsonObject>): string {
  const name = podSpec.serviceAccountName ?? podSpec.serviceAccount;
  return typeof name === 'string' && name !== '' ? name : 'default';
}
