// Pull-secret findings concern the pod, not one container. Convention: each is reported once per
// pod, on the first container (in walker order: init, regular, ephemeral) whose image one of the
// secret's credentials matches by the kubelet's rules, or on the pod's first container when none
// does (a missing secret matches nothing). So a pod with three containers gets one warning.

import { repositoryName, parseImageReference } from '../../image/reference.js';
import { lookupCredentials } from '../../credentials/keyring.js';
import type { SecretFact } from '../facts.js';
import type { RuleContext } from '../rule.js';

export function reportsOn(context: RuleContext, secret: SecretFact | undefined): boolean {
  const { containers } = context.workload;
  const servedBy =
    secret && secret.credentials.length > 0
      ? containers.find((container) => {
          const parsed = parseImageReference(container.image);
          return parsed.ok && lookupCredentials(secret.credentials, repositoryName(parsed.ref)).length > 0;
        })
      : undefined;
  return (servedBy ?? containers[0])?.pointer === context.container.pointer;
}

export function quoted(names: readonly string[]): string {
  return names.map((name) => JSON.stringify(name)).join(', ');
}
