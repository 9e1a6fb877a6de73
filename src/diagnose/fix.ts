// Fix commands. A pod's imagePullSecrets and imagePullPolicy cannot change once it exists, so a
// fix goes to the owning workload's template (a Deployment for a ReplicaSet's pod), or the bare
// pod is recreated. Placeholders stand where a secret's content would be: it is never printed.

import { serverKeyFor } from './credentials.js';
import type { ImageReference } from '../image/reference.js';

export interface Owner {
  readonly kind: string;
  readonly name: string;
}

export interface FixContext {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** Index of the container in spec.containers (or initContainers), for JSON patches. */
  readonly pointer: string;
  readonly owner: Owner | undefined;
  readonly serviceAccount: string;
  /** Whose secret list the kubelet uses. */
  readonly secretSource: 'pod' | 'serviceAccount' | 'none' | 'unknown';
}

const PATCHABLE = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'ReplicationController',
]);

/** `deployment/web`, or undefined for a bare pod (or an owner whose template we cannot name). */
export function workloadTarget(owner: Owner | undefined): string | undefined {
  return owner && PATCHABLE.has(owner.kind) ? `${owner.kind.toLowerCase()}/${owner.name}` : undefined;
}

export function createSecretCommand(
  name: string,
  ref: ImageReference,
  namespace: string,
  replace: boolean,
): string {
  const base = `kubectl create secret docker-registry ${name} --docker-server=${serverKeyFor(ref)} --docker-username=<username> --docker-password=<password> -n ${namespace}`;
  return replace ? `${base} --dry-run=client -o yaml | kubectl apply -f -` : base;
}

/** Makes the pod use secret `name`: through its ServiceAccount or its workload's template. */
export function useSecretCommands(context: FixContext, name: string): string[] {
  const { namespace, pod } = context;
  const target = workloadTarget(context.owner);
  if (context.secretSource !== 'pod') {
    // A JSON patch appends to an existing list; the documented merge patch creates the list.
    const patch =
      context.secretSource === 'serviceAccount'
        ? `--type=json -p '[{"op":"add","path":"/imagePullSecrets/-","value":{"name":"${name}"}}]'`
        : `-p '{"imagePullSecrets":[{"name":"${name}"}]}'`;
    return [
      `kubectl patch serviceaccount ${context.serviceAccount} -n ${namespace} ${patch}`,
      // Admission copies the ServiceAccount's secrets only into new pods.
      target ? `kubectl delete pod ${pod} -n ${namespace}` : recreatePod(context),
    ];
  }
  return target
    ? [
        `kubectl patch ${target} -n ${namespace} --type=json -p '[{"op":"add","path":"/spec/template/spec/imagePullSecrets/-","value":{"name":"${name}"}}]'`,
      ]
    : [`# add {"name":"${name}"} to the pod's imagePullSecrets in its manifest, then:`, recreatePod(context)];
}

export function recreatePod(context: FixContext, sed?: string): string {
  const { namespace, pod } = context;
  return `kubectl get pod ${pod} -n ${namespace} -o yaml${sed ? ` | sed '${sed}'` : ''} | kubectl replace --force -f -`;
}

export function setImageCommand(context: FixContext, image: string): string {
  const target = workloadTarget(context.owner) ?? `pod/${context.pod}`;
  return `kubectl set image ${target} ${context.container}=${image} -n ${context.namespace}`;
}

export function pullPolicyCommands(context: FixContext, policy: string): string[] {
  const target = workloadTarget(context.owner);
  if (target) {
    return [
      `kubectl patch ${target} -n ${context.namespace} --type=json -p '[{"op":"replace","path":"/spec/template/spec${context.pointer}/imagePullPolicy","value":"${policy}"}]'`,
    ];
  }
  return [recreatePod(context, `s/imagePullPolicy: Never/imagePullPolicy: ${policy}/`)];
}
