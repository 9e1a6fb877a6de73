// Facts are plain data gathered before a decision (registry probes, cluster reads, watcher
// history), so every rule is a pure function of (workload, facts, config). Absent facts mean
// "unknown", never "absent": a rule that needs an unknown fact cannot deny.

import type { PullOutcome } from './outcomes.js';

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** What one manifest probe against a registry learned. */
export interface ProbeResult {
  readonly outcome: PullOutcome;
  /** Digest of the manifest or index the reference resolves to (outcome `ok`). */
  readonly digest?: string;
  /** Platforms offered: the entries of an index, or the one platform of a plain manifest when read. */
  readonly platforms?: readonly Platform[];
  readonly httpStatus?: number;
  /** The registry's own error code (MANIFEST_UNKNOWN, NAME_UNKNOWN, TOOMANYREQUESTS, DENIED, ...). */
  readonly registryCode?: string;
  /** Short, sanitised explanation for messages; never contains credentials. */
  readonly detail?: string;
}

/** A credential from a docker config secret, as the kubelet's keyring holds it. */
export interface PullCredential {
  readonly secretName: string;
  /** The key as written in the secret (`https://index.docker.io/v1/`), for messages. */
  readonly key: string;
  readonly username: string;
  readonly password: string;
}

export interface CredentialProbe {
  readonly secretName: string;
  readonly key: string;
  readonly result: ProbeResult;
}

/** Registry facts for one container's image. */
export interface ImageFacts {
  /** Probe without credentials (when no credential matches, or to tell private from missing). */
  readonly anonymous?: ProbeResult;
  /** One probe per matching credential, in the kubelet's order; the pull succeeds if any does. */
  readonly withCredentials?: readonly CredentialProbe[];
  /** The probe was not made or did not finish: why (budget, blocked address, registry rules off). */
  readonly skipped?: string;
  /**
   * Probe with the auditor's own credentials (`audit --docker-config`), made only when the pod has
   * none that match: it tells whether the image exists, but the cluster will not have these
   * credentials, so it never satisfies pull-secret-missing.
   */
  readonly withToolCredentials?: ProbeResult;
}

export type ObjectStatus = 'found' | 'not-found' | 'unknown';

export interface SecretFact {
  readonly name: string;
  readonly status: ObjectStatus;
  /** Why the kubelet cannot use it (wrong type, missing key, bad base64, bad JSON, empty auths). */
  readonly invalid?: string;
  /** Why the status is `unknown` (not in the audited manifests, cache not synced). */
  readonly unknownReason?: string;
  readonly credentials: readonly PullCredential[];
}

/** The pull secrets the kubelet will use for the pod: its own, or (only if it lists none) its ServiceAccount's. */
export interface PullSecretFacts {
  readonly source: 'pod' | 'serviceAccount' | 'none';
  readonly serviceAccount?: { readonly name: string; readonly status: ObjectStatus };
  readonly secrets: readonly SecretFact[];
}

export interface NodeFact {
  readonly name: string;
  readonly platform: Platform;
  /** Image names as `node.status.images[].names` reports them. */
  readonly images: readonly string[];
  /** The list may be cut at nodeStatusMaxImages, so a missing image is not proof of absence. */
  readonly imageListCapped: boolean;
}

export interface NodeFacts {
  /** Nodes the pod can land on (nodeName, nodeSelector, required affinity, taints). */
  readonly candidates: readonly NodeFact[];
  /** False when the node list was cut or could not be read whole. */
  readonly complete: boolean;
}

export interface RecentFailure {
  readonly outcome: PullOutcome;
  /** The kubelet's waiting reason (ErrImagePull, ImagePullBackOff, ErrImageNeverPull, ...). */
  readonly reason: string;
  readonly message: string;
  readonly lastSeen: string;
  readonly pods: number;
}

export interface Facts {
  /** Undefined when cluster facts are unknown (no API, or a Secret the audit cannot see). */
  readonly pullSecrets?: PullSecretFacts;
  /** Existence in the workload namespace of the Secrets named by config.registries[].pullSecret (for patches). */
  readonly configuredSecrets?: ReadonlyMap<string, ObjectStatus>;
  /** Why cluster facts are unknown, for messages. */
  readonly clusterUnknown?: string;
  /** Undefined when no node facts are known: the configured platform is assumed. */
  readonly nodes?: NodeFacts;
  /** Registry facts keyed by the container's JSON Pointer. */
  readonly images: ReadonlyMap<string, ImageFacts>;
  /** Recent kubelet failures keyed by the fully qualified image reference. */
  readonly recentFailures: ReadonlyMap<string, RecentFailure>;
}

export const NO_FACTS: Facts = Object.freeze({ images: new Map(), recentFailures: new Map() });
