// The mutating webhook's verdict per container, written as a compact annotation so the watcher
// can later compare it with what the kubelet did:
//   pullguard.dev/prediction: {"v":1,"c":{"api":"ok","side":"not-found"}}
// Values are PullOutcome ("ok" = predicted to pull) or "unknown" (facts were missing).

import type { Facts, ImageFacts, NodeFacts, Platform } from '../core/facts.js';
import type { Finding } from '../core/finding.js';
import { isPullOutcome, type PullOutcome } from '../core/outcomes.js';
import type { JsonPatchOp } from '../core/patch.js';
import type { RuleId } from '../core/catalog.js';
import {
  effectivePullPolicy,
  formatReference,
  parseImageReference,
  familiarString,
} from '../image/reference.js';
import { isObject, pointerToken, type ContainerEntry, type Workload } from '../workload/walker.js';

export const PREDICTION_ANNOTATION = 'pullguard.dev/prediction';

export type Predicted = PullOutcome | 'unknown';
export type Prediction = ReadonlyMap<string, Predicted>;

/** What each failing rule predicts the kubelet will report. */
const RULE_OUTCOMES: Partial<Record<RuleId, PullOutcome>> = {
  'image-reference-invalid': 'invalid-name',
  'pull-policy-never-absent': 'never-pull',
  'pull-secret-missing': 'unauthorized',
  'pull-credentials-rejected': 'unauthorized',
  'image-not-found': 'not-found',
  'platform-unavailable': 'platform-mismatch',
  'registry-unresolvable': 'dns-nxdomain',
  'registry-rate-limited': 'rate-limited',
};

/** Parses the annotation; anything malformed is no prediction (never a throw). */
export function readPrediction(annotations: unknown): Prediction | undefined {
  if (!isObject(annotations)) return undefined;
  const text = annotations[PREDICTION_ANNOTATION];
  if (typeof text !== 'string' || text.length > 16_384) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || parsed.v !== 1 || !isObject(parsed.c)) return undefined;
  const map = new Map<string, Predicted>();
  for (const [name, value] of Object.entries(parsed.c)) {
    if (value === 'unknown' || isPullOutcome(value)) map.set(name, value);
  }
  return map;
}

/** The predicted outcome per container name: failing findings first, then the facts. */
export function predictOutcomes(
  workload: Workload,
  facts: Facts,
  findings: readonly Finding[],
): Map<string, Predicted> {
  const predictions = new Map<string, Predicted>();
  for (const container of workload.containers) {
    if (container.list === 'ephemeralContainers') continue;
    const failing = findings.find(
      (finding) => finding.pointer === container.pointer && RULE_OUTCOMES[finding.rule] !== undefined,
    );
    const fromRule = failing ? ruleOutcome(failing, facts.images.get(container.pointer)) : undefined;
    predictions.set(container.name, fromRule ?? fromFacts(container, facts));
  }
  return predictions;
}

function ruleOutcome(finding: Finding, images: ImageFacts | undefined): PullOutcome | undefined {
  if (finding.rule === 'pull-credentials-rejected') {
    const answered = images?.withCredentials?.find((probe) => probe.result.outcome === 'forbidden');
    return answered ? 'forbidden' : 'unauthorized';
  }
  return RULE_OUTCOMES[finding.rule];
}

function fromFacts(container: ContainerEntry, facts: Facts): Predicted {
  if (typeof container.image !== 'string') return 'invalid-name';
  const parsed = parseImageReference(container.image);
  if (!parsed.ok || container.image.trim() !== container.image) return 'invalid-name';
  if (effectivePullPolicy(container.image, container.imagePullPolicy) === 'Never') {
    return neverPullVerdict(facts.nodes, [
      container.image,
      formatReference(parsed.ref),
      familiarString(parsed.ref),
    ]);
  }
  const images = facts.images.get(container.pointer);
  if (!images || images.skipped) return 'unknown';
  const results = [
    ...(images.withCredentials ?? []).map((probe) => probe.result),
    ...(images.anonymous ? [images.anonymous] : []),
  ];
  const ok = results.find((result) => result.outcome === 'ok');
  if (ok) return platformVerdict(ok.platforms, facts.nodes);
  const first = results[0];
  return first && first.outcome !== 'blocked' ? first.outcome : 'unknown';
}

function neverPullVerdict(nodes: NodeFacts | undefined, names: readonly string[]): Predicted {
  if (!nodes) return 'unknown';
  if (nodes.candidates.some((node) => node.images.some((image) => names.includes(image)))) return 'ok';
  return nodes.complete && nodes.candidates.every((node) => !node.imageListCapped) ? 'never-pull' : 'unknown';
}

function platformVerdict(
  platforms: readonly Platform[] | undefined,
  nodes: NodeFacts | undefined,
): Predicted {
  if (!platforms || platforms.length === 0 || !nodes || nodes.candidates.length === 0) return 'ok';
  const fits = nodes.candidates.some((node) =>
    platforms.some((p) => p.os === node.platform.os && p.architecture === node.platform.architecture),
  );
  return fits ? 'ok' : 'platform-mismatch';
}

export function encodePrediction(predictions: ReadonlyMap<string, Predicted>): string {
  return JSON.stringify({ v: 1, c: Object.fromEntries(predictions) });
}

export interface PredictionPatchOptions {
  readonly operation: 'CREATE' | 'UPDATE';
  /** The workload before an UPDATE: templates are only re-annotated when a container changed. */
  readonly previous?: Workload;
}

/**
 * The JSONPatch ops that record the prediction on a Pod, or in a pod template's metadata so the
 * pods inherit it. `object` is the admitted object (to see which metadata maps already exist).
 * Templates are left alone when rewriting them would roll or churn the workload: controller-made
 * objects (a ReplicaSet of a Deployment compares its template with the Deployment's) and
 * UPDATEs that change no container.
 */
export function predictionPatch(
  object: unknown,
  workload: Workload,
  facts: Facts,
  findings: readonly Finding[],
  options: PredictionPatchOptions = { operation: 'CREATE' },
): JsonPatchOp[] {
  if (!isObject(object)) return [];
  const isPod = workload.kind === 'Pod';
  if (isPod && options.operation !== 'CREATE') return [];
  const metadataPath = workload.podSpecPointer.replace(/\/spec$/, '/metadata');
  const metadata = lookup(object, metadataPath);
  if (!isPod) {
    const ownerReferences = isObject(object.metadata) ? object.metadata.ownerReferences : undefined;
    if (Array.isArray(ownerReferences) && ownerReferences.length > 0) return [];
    if (options.operation === 'UPDATE' && !containersChanged(workload, options.previous)) return [];
  }
  const predictions = predictOutcomes(workload, facts, findings);
  if (predictions.size === 0) return [];
  const value = encodePrediction(predictions);
  if (!isObject(metadata))
    return [{ op: 'add', path: metadataPath, value: { annotations: { [PREDICTION_ANNOTATION]: value } } }];
  if (!isObject(metadata.annotations)) {
    return [{ op: 'add', path: `${metadataPath}/annotations`, value: { [PREDICTION_ANNOTATION]: value } }];
  }
  if (metadata.annotations[PREDICTION_ANNOTATION] === value) return [];
  return [{ op: 'add', path: `${metadataPath}/annotations/${pointerToken(PREDICTION_ANNOTATION)}`, value }];
}

function containersChanged(workload: Workload, previous: Workload | undefined): boolean {
  if (!previous) return true;
  const key = (w: Workload) => JSON.stringify(w.containers.map((c) => [c.name, c.image, c.imagePullPolicy]));
  return (
    key(workload) !== key(previous) ||
    JSON.stringify(workload.podSpec.imagePullSecrets) !== JSON.stringify(previous.podSpec.imagePullSecrets)
  );
}

function lookup(object: Record<string, unknown>, pointer: string): unknown {
  let value: unknown = object;
  for (const token of pointer.split('/').slice(1))
    value = isObject(value) ? value[token.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return value;
}
