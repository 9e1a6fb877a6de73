// The shape of a diagnosis, as `--output json` prints it (documented in docs/diagnose.md). Only
// names, registry addresses and answers appear here: never a username, password, token or any
// other secret content.

import type { Platform, ProbeResult } from '../core/facts.js';
import type { PullOutcome } from '../core/outcomes.js';
import type { ImageState } from '../watch/state.js';

/** Root causes diagnose can name; stable strings (JSON `cause`). */
export const CAUSES = [
  'pulled', // the image is on the node (pulled or cached)
  'pulling', // waiting or pulling, nothing failed
  'invalid-name',
  'never-pull-absent',
  'image-not-found',
  'private-repository', // the registry refuses or hides the repository and no pull secret matches it
  'pull-secret-not-found',
  'pull-secret-invalid',
  'secret-key-mismatch', // a secret holds credentials for the registry under a key the kubelet does not match
  'credentials-rejected',
  'rate-limited',
  'platform-mismatch',
  'registry-unresolvable',
  'registry-tls-untrusted',
  'registry-unreachable',
  'transient', // the registry now answers the kubelet's credentials: the next attempt should pull
  'unknown',
] as const;
export type Cause = (typeof CAUSES)[number];

export interface ImageHistory {
  readonly state: ImageState;
  readonly waitingReason?: string;
  readonly attempts: number;
  /** "Back-off pulling image" reports: the kubelet repeats it while it waits, so it exceeds the back-offs entered. */
  readonly backOffEvents: number;
  /** Time between the last two failed attempts (back-off plus pull), seconds. */
  readonly lastBackOffSeconds?: number;
  /** The kubelet's last runtime message, sanitised. */
  readonly lastMessage?: string;
}

/** A pull secret as the kubelet sees it for this pod. */
export interface SecretEvidence {
  readonly name: string;
  readonly status: 'found' | 'not-found' | 'unknown';
  /** Why the kubelet cannot use it (wrong type, bad JSON, ...). */
  readonly invalid?: string;
  /** Registry keys it holds (addresses, not credentials). */
  readonly keys: readonly string[];
}

export interface PullSecretEvidence {
  /** Whose list the kubelet uses: the pod's own, the ServiceAccount's, or none (anonymous pulls). */
  readonly source: 'pod' | 'serviceAccount' | 'none' | 'unknown';
  readonly serviceAccount: string;
  readonly secrets: readonly SecretEvidence[];
  /** Names the kubelet reported it could not retrieve (FailedToRetrieveImagePullSecret). */
  readonly missing: readonly string[];
}

export interface ProbeEvidence {
  readonly outcome: PullOutcome;
  readonly httpStatus?: number;
  readonly registryCode?: string;
  readonly detail?: string;
  readonly digest?: string;
  /** `os/arch[/variant]` of the index entries, when the reference is an index. */
  readonly platforms?: readonly string[];
}

export interface CredentialEvidence {
  readonly secret: string;
  readonly key: string;
  /** `kubelet`: the keyring matches it; `near-miss`: same host, but the kubelet will not use it. */
  readonly match: 'kubelet' | 'near-miss';
  /** Why a near miss does not match (port, path, registry-1.docker.io). */
  readonly mismatch?: string;
  readonly probe?: ProbeEvidence;
}

export interface TagsEvidence {
  readonly outcome: PullOutcome;
  readonly httpStatus?: number;
  readonly count?: number;
  /** The secret whose credential listed the tags; absent when asked anonymously. */
  readonly secret?: string;
  /** The existing tag nearest to the requested one. */
  readonly nearest?: string;
}

export interface DnsEvidence {
  readonly addresses?: readonly string[];
  readonly error?: string;
}

export interface TlsEvidence {
  /** `plain-http`: the registry is spoken to without TLS. */
  readonly status: 'trusted' | 'untrusted' | 'failed' | 'plain-http';
  readonly error?: string;
  readonly subject?: string;
  readonly validTo?: string;
}

export interface RegistryEvidence {
  readonly host: string;
  readonly origin: string;
  readonly dns?: DnsEvidence;
  readonly tls?: TlsEvidence;
  readonly anonymous?: ProbeEvidence;
  readonly credentials: readonly CredentialEvidence[];
  readonly tags?: TagsEvidence;
}

export interface NodeEvidence {
  readonly name: string;
  readonly platform: string;
  /** Whether node.status.images lists the image; `unknown` when the list is cut at its cap. */
  readonly hasImage: boolean | 'unknown';
}

export interface ContainerDiagnosis {
  readonly name: string;
  readonly image: string;
  readonly pullPolicy: string;
  /** ok: pulled or pulling normally; problem: a failure was diagnosed. */
  readonly status: 'ok' | 'problem';
  readonly history: ImageHistory;
  /** The failure category in the shared vocabulary (kubelet's message first, else the registry's answer). */
  readonly category: PullOutcome | null;
  readonly cause: Cause;
  readonly diagnosis: string;
  /** Commands to run, or `# ...` lines where the fix is not a command. */
  readonly fix: readonly string[];
  readonly notes: readonly string[];
  readonly registry?: RegistryEvidence;
  readonly node?: NodeEvidence;
  /** Running pods of the same image in the namespace, by node (node-local caches). */
  readonly runningElsewhere?: readonly { readonly pod: string; readonly node: string }[];
}

export interface PodDiagnosis {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly node: string | null;
  readonly phase: string | null;
  readonly pullSecrets: PullSecretEvidence;
  readonly containers: readonly ContainerDiagnosis[];
  readonly problem: boolean;
}

export interface DiagnoseReport {
  readonly pods: readonly PodDiagnosis[];
  readonly problems: number;
}

export function platformString(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

export function probeEvidence(result: ProbeResult): ProbeEvidence {
  return {
    outcome: result.outcome,
    ...(result.httpStatus !== undefined ? { httpStatus: result.httpStatus } : {}),
    ...(result.registryCode ? { registryCode: result.registryCode } : {}),
    ...(result.detail ? { detail: result.detail } : {}),
    ...(result.digest ? { digest: result.digest } : {}),
    ...(result.platforms ? { platforms: result.platforms.map(platformString) } : {}),
  };
}
