// Builders for every workload kind with the same pod spec, and AdmissionReview bodies around them.

export type PodSpec = Record<string, unknown>;

export const KINDS = [
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
] as const;
export type Kind = (typeof KINDS)[number];

const API_VERSIONS: Record<Kind, string> = {
  Pod: 'v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  ReplicationController: 'v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
};

/** The JSON Pointer of the pod spec in each kind. */
export const POD_SPEC_POINTER: Record<Kind, string> = {
  Pod: '/spec',
  Deployment: '/spec/template/spec',
  StatefulSet: '/spec/template/spec',
  DaemonSet: '/spec/template/spec',
  ReplicaSet: '/spec/template/spec',
  ReplicationController: '/spec/template/spec',
  Job: '/spec/template/spec',
  CronJob: '/spec/jobTemplate/spec/template/spec',
};

export function workload(
  kind: Kind,
  spec: PodSpec,
  name = 'web',
  namespace?: string,
): Record<string, unknown> {
  const metadata = { name, ...(namespace ? { namespace } : {}) };
  const template = { metadata: { labels: { app: name } }, spec };
  let body: Record<string, unknown>;
  switch (kind) {
    case 'Pod':
      body = spec;
      break;
    case 'CronJob':
      body = { schedule: '*/5 * * * *', jobTemplate: { spec: { template } } };
      break;
    case 'ReplicationController':
      body = { replicas: 1, selector: { app: name }, template };
      break;
    default:
      body = { selector: { matchLabels: { app: name } }, template };
  }
  return { apiVersion: API_VERSIONS[kind], kind, metadata, spec: body };
}

export function podSpec(...containers: Array<Record<string, unknown>>): PodSpec {
  return { containers };
}

let counter = 0;

export function admissionReview(
  object: unknown,
  options: {
    operation?: string;
    oldObject?: unknown;
    namespace?: string;
    uid?: string;
    subResource?: string;
  } = {},
): Record<string, unknown> {
  const kind = (object as { kind?: string }).kind ?? 'Pod';
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: options.uid ?? `uid-${++counter}`,
      kind: { group: '', version: 'v1', kind },
      resource: { group: '', version: 'v1', resource: `${kind.toLowerCase()}s` },
      ...(options.subResource ? { subResource: options.subResource } : {}),
      namespace: options.namespace ?? 'default',
      operation: options.operation ?? 'CREATE',
      object,
      ...(options.oldObject ? { oldObject: options.oldObject } : {}),
      userInfo: { username: 'tester' },
      dryRun: false,
    },
  };
}
