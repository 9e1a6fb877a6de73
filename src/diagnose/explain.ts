// The decision: from the kubelet's history and the live evidence to one root cause, a sentence
// and the fix. Pure, so each confusing case is a table row in the tests. The order matters: a
// registry that cannot be reached says nothing about tags or credentials; credentials the
// kubelet sends decide before anonymous answers do; "not found" is only a missing tag when
// someone allowed to see the repository says so.

import type { PullOutcome } from '../core/outcomes.js';
import { isUnreachable } from '../core/outcomes.js';
import { formatReference, familiarString, type ImageReference } from '../image/reference.js';
import { isFailureState, isSuccessState } from '../watch/state.js';
import {
  createSecretCommand,
  pullPolicyCommands,
  setImageCommand,
  useSecretCommands,
  workloadTarget,
  type FixContext,
} from './fix.js';
import type {
  Cause,
  CredentialEvidence,
  ImageHistory,
  NodeEvidence,
  ProbeEvidence,
  PullSecretEvidence,
  RegistryEvidence,
} from './types.js';

export interface ExplainInput {
  readonly context: FixContext;
  readonly image: string;
  readonly ref: ImageReference | undefined;
  readonly pullPolicy: string;
  readonly history: ImageHistory;
  /** The category the watcher's classifier gave the kubelet's message. */
  readonly kubeletOutcome: PullOutcome | undefined;
  readonly pullSecrets: PullSecretEvidence;
  readonly registry?: RegistryEvidence;
  readonly node?: NodeEvidence;
  readonly runningElsewhere: readonly { readonly pod: string; readonly node: string }[];
  /** config registries[].pullSecret for this registry, the preferred name for a new secret. */
  readonly configuredSecret?: string;
}

export interface Explanation {
  readonly cause: Cause;
  readonly category: PullOutcome | null;
  readonly diagnosis: string;
  readonly fix: readonly string[];
  readonly notes: readonly string[];
}

const REFUSED: ReadonlySet<PullOutcome> = new Set(['unauthorized', 'forbidden']);
const RETRY_NOTE =
  'the kubelet retries with a back-off of 10 s doubling to 5 min, for as long as the pod exists';

export function explain(input: ExplainInput): Explanation {
  const { history } = input;
  if (!isFailureState(history.state)) {
    const pulled = isSuccessState(history.state);
    return {
      cause: pulled ? 'pulled' : 'pulling',
      category: pulled ? 'ok' : null,
      diagnosis: pulled
        ? `The image ${input.image} is on the node.`
        : `No pull failure: the image is ${history.state === 'Pulling' ? 'being pulled' : 'not pulled yet'}.`,
      fix: [],
      notes: [],
    };
  }
  const explanation = explainFailure(input);
  const notes = [...(explanation.notes ?? []), ...cacheNotes(input)];
  return {
    ...explanation,
    category:
      input.kubeletOutcome && input.kubeletOutcome !== 'unknown'
        ? input.kubeletOutcome
        : explanation.category,
    notes,
  };
}

type Finding = Omit<Explanation, 'notes'> & { readonly notes?: readonly string[] };

function explainFailure(input: ExplainInput): Finding {
  const { context, history, ref, registry, node, image } = input;
  if (!ref || history.state === 'InvalidImageName' || input.kubeletOutcome === 'invalid-name') {
    return {
      cause: 'invalid-name',
      category: 'invalid-name',
      diagnosis: `The reference ${JSON.stringify(image)} breaks the image grammar, so the kubelet cannot pull it.`,
      fix: [setImageCommand(context, '<valid image reference>')],
    };
  }
  const shown = familiarString(ref);
  if (history.state === 'ErrImageNeverPull' || input.kubeletOutcome === 'never-pull') {
    const where = node ? `node ${node.name}` : 'its node';
    const absent =
      node?.hasImage === 'unknown'
        ? `${where} does not report it (its image list is cut at the kubelet's cap, so it may be incomplete)`
        : `${where} does not have it`;
    const available =
      registry &&
      [registry.anonymous, ...registry.credentials.map((c) => c.probe)].some((p) => p?.outcome === 'ok');
    return {
      cause: 'never-pull-absent',
      category: 'never-pull',
      diagnosis: `imagePullPolicy is Never and ${absent}: the kubelet never pulls, it fails at once.`,
      fix: pullPolicyCommands(context, 'IfNotPresent'),
      notes: available ? [`the registry serves ${shown}, so IfNotPresent will pull it`] : [],
    };
  }
  if (!registry) return unknown(input);

  const anonymous = registry.anonymous;
  const kubelet = registry.credentials.filter((c) => c.match === 'kubelet');
  const nearMisses = registry.credentials.filter((c) => c.match === 'near-miss');
  const host = registry.host;
  const all = [anonymous, ...registry.credentials.map((c) => c.probe)].filter((p): p is ProbeEvidence => !!p);

  if (registry.dns?.error || anonymous?.outcome === 'dns-nxdomain') {
    return {
      cause: 'registry-unresolvable',
      category: 'dns-nxdomain',
      diagnosis: `The registry host ${host} does not resolve (${registry.dns?.error ?? 'no such host'}): check the image's registry name.`,
      fix: [setImageCommand(context, '<image with the correct registry host>')],
    };
  }
  if (registry.tls?.status === 'untrusted' || anonymous?.outcome === 'tls-error') {
    return {
      cause: 'registry-tls-untrusted',
      category: 'tls-error',
      diagnosis: `The TLS certificate of ${host} is not trusted (${registry.tls?.error ?? anonymous?.detail ?? 'x509'}): the node's runtime refuses it too unless it has the CA.`,
      fix: [
        `# on every node: put the registry's CA in /etc/containerd/certs.d/${host}/ca.crt and a hosts.toml naming it`,
        `# pullguard: add {prefix: ${host}, ca: /path/to/ca.pem} under registries in --config`,
      ],
    };
  }
  if (anonymous && (isUnreachable(anonymous.outcome) || anonymous.outcome === 'dns-temporary')) {
    return {
      cause: 'registry-unreachable',
      category: anonymous.outcome,
      diagnosis: `The registry ${host} cannot be reached (${anonymous.detail ?? anonymous.outcome}).`,
      fix: [`# check that the registry at ${registry.origin} is up and reachable from the nodes`],
    };
  }
  if (input.kubeletOutcome === 'rate-limited' || all.some((p) => p.outcome === 'rate-limited')) {
    const secret = input.configuredSecret ?? 'regcred';
    return {
      cause: 'rate-limited',
      category: 'rate-limited',
      diagnosis: `The registry ${host} rate-limits these pulls (429 toomanyrequests)${kubelet.length === 0 ? ' and the pull is anonymous' : ''}: authenticate or use a mirror.`,
      fix:
        kubelet.length === 0
          ? [
              createSecretCommand(secret, ref, context.namespace, false),
              ...useSecretCommands(context, secret),
            ]
          : [setImageCommand(context, `<mirror>/${ref.path}${ref.tag ? `:${ref.tag}` : ''}`)],
      notes: [RETRY_NOTE],
    };
  }

  const kubeletOk = kubelet.find((c) => c.probe?.outcome === 'ok');
  const served =
    kubeletOk?.probe ?? (kubelet.length === 0 && anonymous?.outcome === 'ok' ? anonymous : undefined);
  if (served) {
    const nodePlatform = node?.platform;
    if (
      input.kubeletOutcome === 'platform-mismatch' ||
      (served.platforms && nodePlatform && !served.platforms.some((p) => platformFits(p, nodePlatform)))
    ) {
      return {
        cause: 'platform-mismatch',
        category: 'platform-mismatch',
        diagnosis:
          `${shown} offers ${served.platforms?.join(', ') || 'no platform'} but node ${node?.name ?? ''} is ${nodePlatform ?? 'unknown'}: containerd finds no match for the platform.`.replace(
            'node  is',
            'the node is',
          ),
        fix: [
          `docker buildx build --platform ${nodePlatform ?? 'linux/amd64'},${served.platforms?.[0] ?? 'linux/arm64'} --push -t ${formatReference(ref)} .`,
          ...(served.platforms?.[0] && workloadTarget(context.owner)
            ? [
                `kubectl patch ${workloadTarget(context.owner)} -n ${context.namespace} -p '{"spec":{"template":{"spec":{"nodeSelector":{"kubernetes.io/arch":"${served.platforms[0].split('/')[1] ?? ''}"}}}}}'`,
              ]
            : []),
        ],
      };
    }
    const how = kubeletOk ? `with secret ${kubeletOk.secret}` : 'anonymously';
    return {
      cause: 'transient',
      category: 'ok',
      diagnosis: `The registry now serves ${shown} ${how}, as the kubelet would ask: the last failure (${input.kubeletOutcome ?? 'unknown'}) does not reproduce, so the next attempt should pull.`,
      fix: workloadTarget(context.owner) ? [`kubectl delete pod ${context.pod} -n ${context.namespace}`] : [],
      notes: [RETRY_NOTE],
    };
  }

  if (kubelet.length > 0) return withKubeletCredentials(input, ref, kubelet, anonymous);
  return withoutCredentials(input, ref, registry, nearMisses);
}

function withKubeletCredentials(
  input: ExplainInput,
  ref: ImageReference,
  kubelet: readonly CredentialEvidence[],
  anonymous: ProbeEvidence | undefined,
): Finding {
  const { context, registry } = input;
  const secrets = [...new Set(kubelet.map((c) => c.secret))];
  if (kubelet.every((c) => c.probe && REFUSED.has(c.probe.outcome))) {
    const first = kubelet[0];
    const status = first?.probe?.httpStatus ? `${first.probe.httpStatus}` : first?.probe?.outcome;
    return {
      cause: 'credentials-rejected',
      category: first?.probe?.outcome ?? 'unauthorized',
      diagnosis: `The registry ${registry?.host} refuses the credentials of secret ${secrets.join(', ')} (key ${JSON.stringify(first?.key)}, answer ${status}): the key matches, the username or password is wrong.`,
      fix: [createSecretCommand(first?.secret ?? 'regcred', ref, context.namespace, true)],
      notes:
        anonymous?.outcome === 'ok'
          ? [
              'the image is public: anonymous pulls work, but the kubelet sends the matching credentials and fails',
            ]
          : [],
    };
  }
  const tags = registry?.tags;
  return notFound(input, ref, `with secret ${secrets.join(', ')}`, tags?.nearest);
}

function withoutCredentials(
  input: ExplainInput,
  ref: ImageReference,
  registry: RegistryEvidence,
  nearMisses: readonly CredentialEvidence[],
): Finding {
  const { context, pullSecrets } = input;
  const anonymous = registry.anonymous;
  const host = registry.host;
  const nearAccepted = nearMisses.find((c) => c.probe && !REFUSED.has(c.probe.outcome));
  const near = nearAccepted ?? nearMisses[0];
  if (near) {
    return {
      cause: 'secret-key-mismatch',
      category: anonymous?.outcome ?? 'unauthorized',
      diagnosis: `Secret ${near.secret} holds credentials under key ${JSON.stringify(near.key)}, which the kubelet does not match for ${host} (${near.mismatch ?? 'different key'}), so the pull is anonymous${nearAccepted ? '; the registry accepts those credentials' : ' (and the registry refuses those credentials too)'}.`,
      fix: [createSecretCommand(near.secret, ref, context.namespace, true)],
      notes: [`recreating ${near.secret} replaces all its entries; keep other registries in another secret`],
    };
  }
  const refused = anonymous ? REFUSED.has(anonymous.outcome) : false;
  const hidden = anonymous?.outcome === 'not-found';
  const missing = [
    ...new Set([
      ...pullSecrets.secrets.filter((s) => s.status === 'not-found').map((s) => s.name),
      ...pullSecrets.missing,
    ]),
  ];
  if (missing.length > 0 && (refused || hidden) && !publicTagMissing(registry)) {
    const name = missing[0] ?? 'regcred';
    return {
      cause: 'pull-secret-not-found',
      category: anonymous?.outcome ?? 'unauthorized',
      diagnosis: `The pull secret ${missing.join(', ')} does not exist in namespace ${context.namespace}, so the kubelet pulled ${host} anonymously and the registry answered ${describe(anonymous)}.`,
      fix: [createSecretCommand(name, ref, context.namespace, false)],
      notes: [
        'the kubelet reads pull secrets at each attempt: once the secret exists, the next retry uses it',
      ],
    };
  }
  const invalid = pullSecrets.secrets.find((s) => s.invalid);
  if (invalid && (refused || hidden) && !publicTagMissing(registry)) {
    return {
      cause: 'pull-secret-invalid',
      category: anonymous?.outcome ?? 'unauthorized',
      diagnosis: `The pull secret ${invalid.name} cannot be used by the kubelet (${invalid.invalid}), and the registry ${host} answers ${describe(anonymous)} without credentials.`,
      fix: [createSecretCommand(invalid.name, ref, context.namespace, true)],
    };
  }
  const name = input.configuredSecret ?? 'regcred';
  const addSecret = [
    createSecretCommand(name, ref, context.namespace, false),
    ...useSecretCommands(context, name),
  ];
  if (refused) {
    return {
      cause: 'private-repository',
      category: anonymous?.outcome ?? 'unauthorized',
      diagnosis: `The registry ${host} requires credentials (anonymous answer ${describe(anonymous)}) and no imagePullSecret of the pod ${pullSecrets.source === 'serviceAccount' ? `or ServiceAccount ${pullSecrets.serviceAccount} ` : ''}matches it.`,
      fix: addSecret,
    };
  }
  if (hidden) {
    const tags = registry.tags;
    if (tags && REFUSED.has(tags.outcome)) {
      return {
        cause: 'private-repository',
        category: 'not-found',
        diagnosis: `${familiarString(ref)} answers "not found" anonymously but refuses to list its tags (${tags.httpStatus ?? tags.outcome}): a private repository hidden behind not found, and no imagePullSecret matches ${host}.`,
        fix: addSecret,
      };
    }
    if (publicTagMissing(registry)) {
      return notFound(input, ref, 'anonymously; the repository is public', tags?.nearest);
    }
    return {
      ...notFound(input, ref, 'anonymously', tags?.nearest),
      notes: [
        `no pull secret matches ${host}: if the repository is private, it answers the same; add credentials to tell`,
      ],
    };
  }
  return unknown(input);
}

function notFound(
  input: ExplainInput,
  ref: ImageReference,
  how: string,
  nearest: string | undefined,
): Finding {
  const repository = familiarString({ ...ref, tag: undefined, digest: undefined } as ImageReference);
  const wanted = ref.digest ?? ref.tag ?? 'latest';
  const count = input.registry?.tags?.count;
  const listed =
    count === undefined
      ? ''
      : count === 0
        ? '; the repository has no tags'
        : `; it lists ${count} tag${count === 1 ? '' : 's'}`;
  return {
    cause: 'image-not-found',
    category: 'not-found',
    diagnosis: `${ref.digest ? 'The digest' : 'The tag'} ${JSON.stringify(wanted)} does not exist in ${repository} (asked ${how})${listed}${nearest ? `; the nearest existing tag is ${JSON.stringify(nearest)}` : ''}.`,
    fix: nearest
      ? [setImageCommand(input.context, `${repository}:${nearest}`)]
      : [`# push ${familiarString(ref)}, or correct the tag in the workload`],
  };
}

/** The tag list was readable anonymously: the repository is public and the tag really is missing. */
function publicTagMissing(registry: RegistryEvidence): boolean {
  return registry.tags?.outcome === 'ok' && registry.tags.secret === undefined;
}

function unknown(input: ExplainInput): Finding {
  const message = input.history.lastMessage;
  return {
    cause: 'unknown',
    category: input.kubeletOutcome ?? 'unknown',
    diagnosis: `The pull fails (${input.history.waitingReason ?? input.history.state})${message ? `: ${message}` : ''}; the registry's answers do not show why.`,
    fix: [],
  };
}

function describe(probe: ProbeEvidence | undefined): string {
  if (!probe) return 'nothing';
  return probe.httpStatus
    ? `${probe.httpStatus}${probe.registryCode ? ` ${probe.registryCode}` : ''}`
    : probe.outcome;
}

function platformFits(offered: string, node: string): boolean {
  const [os, arch, variant] = offered.split('/');
  const [nodeOs, nodeArch, nodeVariant] = node.split('/');
  return os === nodeOs && arch === nodeArch && (!variant || !nodeVariant || variant === nodeVariant);
}

/** Other pods run this image only because their nodes have it cached: a classic red herring. */
function cacheNotes(input: ExplainInput): string[] {
  const elsewhere = input.runningElsewhere.filter((other) => other.node !== input.node?.name);
  if (elsewhere.length === 0) return [];
  const list = elsewhere
    .slice(0, 3)
    .map((o) => `${o.pod} on ${o.node}`)
    .join(', ');
  return [
    `running elsewhere: ${list}${elsewhere.length > 3 ? ` and ${elsewhere.length - 3} more` : ''}; their nodes have the image cached (${input.pullPolicy} skips the pull there), this node must pull it`,
  ];
}
