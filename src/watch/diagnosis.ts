// Pullguard's diagnosis of a confirmed pull failure, and the objects that carry it into the
// ecosystem: an events.k8s.io/v1 Event on the pod and a wgpolicyk8s.io/v1alpha2 PolicyReport result.

import type { PullOutcome } from '../core/outcomes.js';
import { parseImageReference } from '../image/reference.js';
import type { ConfirmedFailure } from './pipeline.js';

export const REPORTING_CONTROLLER = 'pullguard.dev/watcher';
export const DIAGNOSIS_REASON = 'PullguardDiagnosis';

const HINTS: Readonly<Record<PullOutcome, string>> = {
  ok: 'the image pulled',
  'not-found':
    'the tag, digest or repository does not exist (private repositories can also answer not found)',
  unauthorized: 'the registry refused the credentials sent (none, or not valid)',
  forbidden: 'the credentials are valid but not allowed to pull this repository',
  'rate-limited': 'the registry rate-limits these pulls; authenticate or use a mirror',
  'platform-mismatch': "the image has no build for this node's os/architecture",
  'dns-nxdomain': 'the registry host name does not exist in DNS',
  'dns-temporary': 'DNS lookups of the registry fail for now',
  'connection-refused': 'nothing listens at the registry address',
  'connection-reset': 'the connection to the registry was reset',
  timeout: 'the registry did not answer in time',
  'tls-error': "the registry's TLS certificate is not trusted by the node (or it speaks plain HTTP)",
  'protocol-error': 'the registry answered something that is not the distribution API',
  'never-pull': 'imagePullPolicy is Never and the image is not on this node',
  'invalid-name': 'the image reference breaks the grammar',
  blocked: 'the registry address is blocked',
  unknown: 'the runtime gave no telling cause',
};

/** One line (under 1 KiB): what failed, in which category, and what pullguard makes of it. */
export function diagnose(failure: ConfirmedFailure): string {
  const { container, outcome, reason, pod } = failure;
  const parsed = container.image === undefined ? undefined : parseImageReference(container.image);
  const registry = parsed?.ok ? parsed.ref.domain : undefined;
  let hint = HINTS[outcome];
  if (
    (outcome === 'unauthorized' || outcome === 'forbidden' || outcome === 'not-found') &&
    pod.missingSecrets?.length
  ) {
    hint += `; pull secret ${pod.missingSecrets.map((name) => JSON.stringify(name)).join(', ')} does not exist in namespace ${pod.namespace}`;
  } else if (outcome === 'unauthorized' && registry) {
    hint += `; no working imagePullSecret for ${registry}`;
  }
  const attempts = container.attempts > 1 ? ` after ${container.attempts} attempts` : '';
  const text = `container ${JSON.stringify(container.name)} image ${JSON.stringify(container.image ?? '')}: ${reason} (${outcome})${attempts}: ${hint}`;
  return text.length > 1000 ? `${text.slice(0, 997)}...` : text;
}

export function diagnosisEvent(
  failure: ConfirmedFailure,
  instance: string,
  now: Date,
): Record<string, unknown> {
  const { pod, container } = failure;
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    // generateName is validated as a name itself: it may end in '-' but not in '.'.
    metadata: { generateName: `${pod.name.slice(0, 200)}.pullguard-`, namespace: pod.namespace },
    eventTime: now,
    reportingController: REPORTING_CONTROLLER,
    reportingInstance: instance.slice(0, 128),
    action: 'DiagnosePull',
    reason: DIAGNOSIS_REASON,
    type: 'Warning',
    note: diagnose(failure),
    regarding: {
      apiVersion: 'v1',
      kind: 'Pod',
      name: pod.name,
      namespace: pod.namespace,
      uid: pod.uid,
      fieldPath: `spec.containers{${container.name}}`,
    },
  };
}

export interface PolicyResultInput {
  readonly failure: ConfirmedFailure;
  readonly at: number;
}

/** A wgpolicyk8s.io/v1alpha2 PolicyReport for one namespace (results newest first, at most 500). */
export function buildPolicyReport(
  namespace: string,
  inputs: readonly PolicyResultInput[],
): Record<string, unknown> {
  const results = [...inputs]
    .sort((a, b) => b.at - a.at)
    .slice(0, 500)
    .map(({ failure, at }) => ({
      source: 'pullguard',
      policy: 'pullguard-image-pull',
      rule: 'image-recently-failed',
      category: failure.outcome,
      severity: 'high',
      result: 'fail',
      scored: true,
      message: diagnose(failure),
      timestamp: { seconds: Math.floor(at / 1000), nanos: 0 },
      resources: [{ apiVersion: 'v1', kind: 'Pod', name: failure.pod.name, namespace, uid: failure.pod.uid }],
      properties: {
        reason: failure.reason,
        outcome: failure.outcome,
        container: failure.container.name,
        image: failure.container.image ?? '',
      },
    }));
  return {
    apiVersion: 'wgpolicyk8s.io/v1alpha2',
    kind: 'PolicyReport',
    metadata: {
      name: 'pullguard-image-pulls',
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'pullguard' },
    },
    scope: { apiVersion: 'v1', kind: 'Namespace', name: namespace },
    summary: { pass: 0, fail: results.length, warn: 0, error: 0, skip: 0 },
    results,
  };
}
