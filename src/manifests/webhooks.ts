// The ValidatingWebhookConfiguration and MutatingWebhookConfiguration, generated from the rule
// catalog and the pod-template walker: every rule reads container images of a pod template, so the
// webhooks match exactly the kinds the walker understands (plus the ephemeral-containers
// subresource), on the operations that can change which images run. `npm run manifests` writes
// the result to manifests/base/webhooks.yaml; a unit test keeps the checked-in file equal to it.

import { RULES, type RuleInfo } from '../core/catalog.js';
import { WORKLOAD_KINDS } from '../workload/walker.js';

/** API group, version and plural of each workload kind the walker reads. */
const RESOURCES: Readonly<Record<string, { group: string; version: string; resource: string }>> = {
  Pod: { group: '', version: 'v1', resource: 'pods' },
  ReplicationController: { group: '', version: 'v1', resource: 'replicationcontrollers' },
  Deployment: { group: 'apps', version: 'v1', resource: 'deployments' },
  StatefulSet: { group: 'apps', version: 'v1', resource: 'statefulsets' },
  DaemonSet: { group: 'apps', version: 'v1', resource: 'daemonsets' },
  ReplicaSet: { group: 'apps', version: 'v1', resource: 'replicasets' },
  Job: { group: 'batch', version: 'v1', resource: 'jobs' },
  CronJob: { group: 'batch', version: 'v1', resource: 'cronjobs' },
};

export const WEBHOOK_NAMES = {
  validating: 'pullguard-validating',
  mutating: 'pullguard-mutating',
} as const;

export const OPT_OUT_LABEL = 'pullguard.dev/ignore';

export interface WebhookOptions {
  readonly budgetMs: number;
  readonly namespace: string;
  readonly serviceName: string;
  readonly failurePolicy: 'Ignore' | 'Fail';
  /** PEM bundle (base64 in the output); left out when a CA injector or self-managed mode fills it. */
  readonly caBundle?: string;
}

/** The API server's timeout per call: one second above the budget, rounded up, at most 30 (the API maximum). */
export function timeoutSecondsFor(budgetMs: number): number {
  if (!Number.isFinite(budgetMs) || budgetMs <= 0)
    throw new Error(`budgetMs must be positive, got ${budgetMs}`);
  return Math.min(30, Math.ceil(budgetMs / 1000) + 1);
}

/** Rules whose verdict depends on a pod template: today every rule (all read container images). */
export function rulesReadingPodTemplates(rules: readonly RuleInfo[] = RULES): readonly RuleInfo[] {
  return rules;
}

export interface RuleWithOperations {
  readonly apiGroups: string[];
  readonly apiVersions: string[];
  readonly resources: string[];
  readonly operations: string[];
  readonly scope: string;
}

/** One rule per API group; pods also with the ephemeralcontainers subresource (kubectl debug). */
export function admissionRules(kinds: readonly string[] = WORKLOAD_KINDS): RuleWithOperations[] {
  if (rulesReadingPodTemplates().length === 0) return [];
  const byGroup = new Map<string, { version: string; resources: string[] }>();
  for (const kind of kinds) {
    const target = RESOURCES[kind];
    if (!target) throw new Error(`no API resource known for workload kind ${kind}`);
    const slot = byGroup.get(target.group) ?? { version: target.version, resources: [] };
    slot.resources.push(target.resource);
    if (kind === 'Pod') slot.resources.push('pods/ephemeralcontainers');
    byGroup.set(target.group, slot);
  }
  return [...byGroup.entries()].map(([group, { version, resources }]) => ({
    apiGroups: [group],
    apiVersions: [version],
    resources,
    // DELETE and CONNECT never change which images run; status is a subresource not listed here.
    operations: ['CREATE', 'UPDATE'],
    scope: 'Namespaced',
  }));
}

/**
 * CEL conditions, all of which must hold for the API server to call the webhook. `object` and
 * `oldObject` are untyped here (any listed kind), so every field access is guarded by has():
 * an evaluation error would otherwise fall to the failurePolicy.
 */
export const MATCH_CONDITIONS = [
  {
    // Scaling, status-like edits, label and annotation changes and finalizer removal leave the pod
    // template alone; only a changed template can change the images that run.
    name: 'pod-template-changed',
    expression: [
      "request.operation != 'UPDATE'",
      '|| !has(object.spec) || !has(oldObject.spec)',
      "|| (request.kind.kind == 'Pod' ? object.spec != oldObject.spec",
      ": request.kind.kind == 'CronJob' ? (!has(object.spec.jobTemplate) || !has(oldObject.spec.jobTemplate) || object.spec.jobTemplate != oldObject.spec.jobTemplate)",
      ': (!has(object.spec.template) || !has(oldObject.spec.template) || object.spec.template != oldObject.spec.template))',
    ].join(' '),
  },
] as const;

function namespaceSelector(ownNamespace: string) {
  return {
    matchExpressions: [
      {
        key: 'kubernetes.io/metadata.name',
        operator: 'NotIn',
        values: ['kube-system', ownNamespace],
      },
      { key: OPT_OUT_LABEL, operator: 'NotIn', values: ['true'] },
    ],
  };
}

function webhook(options: WebhookOptions, path: '/validate' | '/mutate') {
  return {
    name: `${path.slice(1)}.pullguard.dev`,
    admissionReviewVersions: ['v1'],
    clientConfig: {
      service: { name: options.serviceName, namespace: options.namespace, path, port: 443 },
      ...(options.caBundle ? { caBundle: Buffer.from(options.caBundle).toString('base64') } : {}),
    },
    rules: admissionRules(),
    matchPolicy: 'Equivalent',
    namespaceSelector: namespaceSelector(options.namespace),
    matchConditions: MATCH_CONDITIONS.map((condition) => ({ ...condition })),
    failurePolicy: options.failurePolicy,
    // No side effects: dry-run requests (kubectl --dry-run=server) reach the webhook too.
    sideEffects: 'None',
    timeoutSeconds: timeoutSecondsFor(options.budgetMs),
  };
}

export function webhookConfigurations(options: WebhookOptions): [object, object] {
  const labels = { 'app.kubernetes.io/name': 'pullguard', 'app.kubernetes.io/component': 'webhook' };
  const validating = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: WEBHOOK_NAMES.validating, labels },
    webhooks: [webhook(options, '/validate')],
  };
  const mutating = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: WEBHOOK_NAMES.mutating, labels },
    // Another mutating webhook may add a container or change an image after ours: look again.
    webhooks: [{ ...webhook(options, '/mutate'), reinvocationPolicy: 'IfNeeded' }],
  };
  return [validating, mutating];
}
