// The nodes a pod can land on, judged as the scheduler's filters do for the fields that decide
// it statically: spec.nodeName, nodeSelector, required node affinity (matchExpressions and
// matchFields) and NoSchedule/NoExecute taints the pod does not tolerate.

import type { NodeFact, NodeFacts } from '../core/facts.js';
import type { NodeRecord, Taint } from './node-record.js';

type Spec = Readonly<Record<string, unknown>>;

export function candidateNodes(nodes: Iterable<NodeRecord>, podSpec: Spec, complete = true): NodeFacts {
  const candidates: NodeFact[] = [];
  const nodeName =
    typeof podSpec.nodeName === 'string' && podSpec.nodeName !== '' ? podSpec.nodeName : undefined;
  const tolerations = Array.isArray(podSpec.tolerations) ? podSpec.tolerations : [];
  for (const node of nodes) {
    if (nodeName !== undefined) {
      // Bound pods skip the scheduler, but the kubelet still refuses a node its selector rejects.
      if (
        node.name !== nodeName ||
        !selectorMatches(node, podSpec.nodeSelector) ||
        !affinityMatches(node, podSpec)
      )
        continue;
    } else if (!canSchedule(node, podSpec, tolerations)) continue;
    candidates.push({
      name: node.name,
      platform: node.platform,
      images: node.images,
      imageListCapped: node.imageListCapped,
    });
  }
  return { candidates, complete };
}

function canSchedule(node: NodeRecord, podSpec: Spec, tolerations: readonly unknown[]): boolean {
  return (
    selectorMatches(node, podSpec.nodeSelector) &&
    affinityMatches(node, podSpec) &&
    node.taints.every((taint) => !blocksScheduling(taint) || tolerations.some((t) => tolerates(t, taint)))
  );
}

function blocksScheduling(taint: Taint): boolean {
  return taint.effect === 'NoSchedule' || taint.effect === 'NoExecute';
}

function selectorMatches(node: NodeRecord, selector: unknown): boolean {
  if (!isRecord(selector)) return true;
  return Object.entries(selector).every(([key, value]) => node.labels[key] === value);
}

/** requiredDuringSchedulingIgnoredDuringExecution: terms are ORed, requirements inside a term ANDed. */
function affinityMatches(node: NodeRecord, podSpec: Spec): boolean {
  const required = get(
    get(get(podSpec.affinity, 'nodeAffinity'), 'requiredDuringSchedulingIgnoredDuringExecution'),
    'nodeSelectorTerms',
  );
  if (required === undefined) return true;
  if (!Array.isArray(required)) return false;
  return required.some((term) => termMatches(node, term));
}

/** An empty term matches nothing (core/v1 NodeSelectorTerm). */
function termMatches(node: NodeRecord, term: unknown): boolean {
  const expressions = listOf(get(term, 'matchExpressions'));
  const fields = listOf(get(term, 'matchFields'));
  if (expressions.length === 0 && fields.length === 0) return false;
  return (
    expressions.every((req) => requirementMatches(req, (key) => node.labels[key])) &&
    fields.every((req) => fieldRequirementMatches(req, node.name))
  );
}

function requirementMatches(req: unknown, valueOf: (key: string) => string | undefined): boolean {
  const key = get(req, 'key');
  const operator = get(req, 'operator');
  const values = listOf(get(req, 'values')).filter((v): v is string => typeof v === 'string');
  if (typeof key !== 'string') return false;
  const value = valueOf(key);
  switch (operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1) return false;
      const have = parseInteger(value);
      const want = parseInteger(values[0] ?? '');
      if (have === undefined || want === undefined) return false;
      return operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

/** matchFields supports only metadata.name with In / NotIn. */
function fieldRequirementMatches(req: unknown, nodeName: string): boolean {
  const operator = get(req, 'operator');
  if (get(req, 'key') !== 'metadata.name' || (operator !== 'In' && operator !== 'NotIn')) return false;
  return requirementMatches(req, () => nodeName);
}

/** v1.Toleration.ToleratesTaint. */
export function tolerates(toleration: unknown, taint: Taint): boolean {
  const effect = get(toleration, 'effect');
  if (typeof effect === 'string' && effect !== '' && effect !== taint.effect) return false;
  const key = get(toleration, 'key');
  if (typeof key === 'string' && key !== '' && key !== taint.key) return false;
  const operator = get(toleration, 'operator') ?? '';
  if (operator === 'Exists') return true;
  if (operator === 'Equal' || operator === '') return (get(toleration, 'value') ?? '') === taint.value;
  return false;
}

function parseInteger(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

function get(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined;
}

function listOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
