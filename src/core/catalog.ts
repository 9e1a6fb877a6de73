// The rule catalog: every rule id of the contract, its default action, what it needs to know and
// whether it can patch. The webhook configurations, the config schema, SARIF rule metadata and
// the README's rule sections are all derived from this one list.

export const ACTIONS = ['deny', 'warn', 'patch', 'off'] as const;
export type Action = (typeof ACTIONS)[number];

/** Kinds of facts a rule reads; the engine gathers only what enabled rules need. */
export type FactKind = 'registry' | 'cluster' | 'nodes' | 'history';

export interface RuleInfo {
  readonly id: string;
  readonly defaultAction: Action;
  readonly needs: readonly FactKind[];
  /** A patch exists for this rule (otherwise `patch` acts as `warn`). */
  readonly patchable: boolean;
  readonly summary: string;
  readonly fix: string;
}

export const RULES = [
  {
    id: 'image-reference-invalid',
    defaultAction: 'deny',
    needs: [],
    patchable: false,
    summary:
      'The image reference breaks the distribution grammar; the kubelet would report InvalidImageName.',
    fix: 'Write the reference as [registry[:port]/]repository[:tag][@sha256:digest] with a lowercase repository.',
  },
  {
    id: 'image-tag-mutable',
    defaultAction: 'warn',
    needs: [],
    patchable: true,
    summary: 'No tag, or `latest`: not reproducible, and the pull policy defaults to Always.',
    fix: 'Pin a version tag or a digest (the patch action pins the tag to the digest the registry resolves).',
  },
  {
    id: 'pull-policy-never',
    defaultAction: 'warn',
    needs: [],
    patchable: false,
    summary: 'imagePullPolicy Never: the container runs only on nodes where the image is preloaded.',
    fix: 'Use IfNotPresent unless the image is preloaded on every node the pod can land on.',
  },
  {
    id: 'pull-policy-never-absent',
    defaultAction: 'deny',
    needs: ['nodes'],
    patchable: true,
    summary: 'imagePullPolicy Never, and no node the pod can land on has the image (ErrImageNeverPull).',
    fix: 'Preload the image on the nodes, or use IfNotPresent (the patch action does this on CREATE).',
  },
  {
    id: 'pull-secret-not-found',
    defaultAction: 'warn',
    needs: ['cluster'],
    patchable: false,
    summary: 'A referenced imagePullSecret does not exist in the namespace; the kubelet pulls without it.',
    fix: 'Create the secret in the pod namespace (kubectl create secret docker-registry NAME --docker-server=...).',
  },
  {
    id: 'pull-secret-invalid',
    defaultAction: 'warn',
    needs: ['cluster'],
    patchable: false,
    summary: 'A referenced imagePullSecret has the wrong type or content the kubelet cannot read.',
    fix: 'Recreate it with kubectl create secret docker-registry, which writes type kubernetes.io/dockerconfigjson.',
  },
  {
    id: 'pull-secret-missing',
    defaultAction: 'deny',
    needs: ['cluster', 'registry'],
    patchable: true,
    summary:
      'The registry needs credentials and no pull secret of the pod or its ServiceAccount matches it by the kubelet rules.',
    fix: 'Add an imagePullSecret whose server key matches the registry host (the patch action adds the configured one).',
  },
  {
    id: 'pull-credentials-rejected',
    defaultAction: 'deny',
    needs: ['cluster', 'registry'],
    patchable: false,
    summary: 'The registry refuses the credentials that match it (401/403).',
    fix: 'Update the pull secret with a valid username and token for the registry.',
  },
  {
    id: 'image-not-found',
    defaultAction: 'deny',
    needs: ['registry'],
    patchable: false,
    summary: 'The registry says the tag, digest or repository does not exist.',
    fix: 'Push the image, or correct the repository, tag or digest.',
  },
  {
    id: 'platform-unavailable',
    defaultAction: 'deny',
    needs: ['registry', 'nodes'],
    patchable: false,
    summary: 'The image has no build for the os/arch of any node the pod can land on.',
    fix: 'Build and push the image for the node platform (for example docker buildx --platform linux/amd64).',
  },
  {
    id: 'registry-unresolvable',
    defaultAction: 'deny',
    needs: ['registry'],
    patchable: false,
    summary: 'The registry host has no DNS record (NXDOMAIN).',
    fix: 'Correct the registry host name in the image reference.',
  },
  {
    id: 'registry-unreachable',
    defaultAction: 'warn',
    needs: ['registry'],
    patchable: true,
    summary: 'Connection refused, reset, timed out, or TLS failure while asking the registry.',
    fix: 'Check the registry and the network path from the nodes; a mirror can be configured for the patch action.',
  },
  {
    id: 'registry-rate-limited',
    defaultAction: 'warn',
    needs: ['registry'],
    patchable: true,
    summary: 'The registry answered 429 or reports no remaining pulls.',
    fix: 'Authenticate pulls or use a mirror (the patch action rewrites to the configured mirror).',
  },
  {
    id: 'image-recently-failed',
    defaultAction: 'warn',
    needs: ['history'],
    patchable: false,
    summary: 'The watcher saw this image fail to pull in this cluster recently.',
    fix: 'Run pullguard diagnose on a failing pod to see the root cause.',
  },
] as const satisfies readonly RuleInfo[];

export type RuleId = (typeof RULES)[number]['id'];

export const RULE_IDS: readonly RuleId[] = RULES.map((rule) => rule.id);

const BY_ID: ReadonlyMap<string, RuleInfo> = new Map(RULES.map((rule) => [rule.id, rule]));

export function ruleInfo(id: RuleId): RuleInfo {
  const info = BY_ID.get(id);
  if (!info) throw new Error(`unknown rule ${id}`);
  return info;
}

export function isRuleId(value: unknown): value is RuleId {
  return typeof value === 'string' && BY_ID.has(value);
}
