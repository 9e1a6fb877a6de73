// Which pull secrets the kubelet will use for a pod: its own imagePullSecrets, or, only when it
// lists none, its ServiceAccount's. The ServiceAccount admission plugin copies the list into the
// pod (plugin/pkg/admission/serviceaccount/admission.go); it never merges the two.

import type { PullSecretFacts, SecretFact } from '../core/facts.js';
import { imagePullSecretNames, serviceAccountName } from '../workload/walker.js';
import type { NamespacedSource } from './store.js';

/** The namespace kubectl applies to an object that names none. */
export const DEFAULT_NAMESPACE = 'default';

export function pullSecretFacts(
  source: NamespacedSource,
  namespace: string | null,
  podSpec: Readonly<Record<string, unknown>>,
): PullSecretFacts | { unknown: string } {
  const ns = namespace ?? DEFAULT_NAMESPACE;
  const own = imagePullSecretNames(podSpec);
  const saName = serviceAccountName(podSpec);
  const sa = source.serviceAccount(ns, saName);
  const serviceAccount = { name: saName, status: sa.status };
  if (own.length > 0) {
    return { source: 'pod', serviceAccount, secrets: own.map((name) => lookupSecret(source, ns, name)) };
  }
  if (sa.status === 'unknown') return { unknown: `ServiceAccount ${ns}/${saName}: ${sa.reason}` };
  if (sa.status === 'not-found') return { source: 'none', serviceAccount, secrets: [] };
  const names = sa.value.imagePullSecrets;
  if (names.length === 0) return { source: 'none', serviceAccount, secrets: [] };
  return {
    source: 'serviceAccount',
    serviceAccount,
    secrets: names.map((name) => lookupSecret(source, ns, name)),
  };
}

function lookupSecret(source: NamespacedSource, namespace: string, name: string): SecretFact {
  const found = source.secret(namespace, name);
  if (found.status === 'found') return { name, status: 'found', ...found.value };
  if (found.status === 'not-found') return { name, status: 'not-found', credentials: [] };
  return { name, status: 'unknown', unknownReason: found.reason, credentials: [] };
}
