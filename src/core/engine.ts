// The decision core: a pure function from (workload, facts, config) to findings and a verdict.
// No I/O happens here; facts were gathered before, within the admission budget.

import type { Config } from '../config/schema.js';
import { effectivePullPolicy, formatReference, parseImageReference } from '../image/reference.js';
import { imagePullSecretNames, type ContainerEntry, type Workload } from '../workload/walker.js';
import { ruleInfo } from './catalog.js';
import type { Facts } from './facts.js';
import { formatMessage, type Finding } from './finding.js';
import type { JsonPatchOp } from './patch.js';
import { imageExempt, namespaceExempt } from './policy.js';
import type { Operation, Rule, RuleContext, RuleHit } from './rule.js';
import { buildPlan, rulePlan, type RulePlan } from './rule-plan.js';
import { decidingResults } from './rules/registry-results.js';

export type EvaluationMode = 'validate' | 'mutate' | 'audit';

export interface EvaluationInput {
  readonly workload: Workload;
  readonly operation: Operation;
  /** The object before an UPDATE: unchanged containers are not judged again. */
  readonly previous?: Workload | undefined;
  readonly facts: Facts;
  readonly config: Config;
  readonly mode: EvaluationMode;
  readonly rules?: readonly Rule[];
}

export interface Evaluation {
  readonly findings: readonly Finding[];
  /** Certain deny-level findings (validate and audit modes). */
  readonly denials: readonly Finding[];
  /** Messages for AdmissionReview warnings, in finding order. */
  readonly warnings: readonly string[];
  /** Patches to apply (mutate mode only). */
  readonly patch: readonly JsonPatchOp[];
  readonly allowed: boolean;
}

export function evaluate(input: EvaluationInput): Evaluation {
  const { workload, config, mode } = input;
  const findings: Finding[] = [];
  if (input.operation === 'CREATE' || input.operation === 'UPDATE') {
    if (!namespaceExempt(config, workload.namespace)) {
      const plan = input.rules
        ? buildPlan(config, workload.namespace, input.rules)
        : rulePlan(config, workload.namespace);
      for (const container of containersToJudge(input))
        findings.push(...judgeContainer(input, plan, container));
    }
  }
  const visible = findings.filter((finding) => visibleIn(mode, finding));
  const denials = visible.filter((finding) => finding.action === 'deny');
  const patch = mode === 'mutate' ? mergePatches(visible) : [];
  return {
    findings: visible,
    denials,
    warnings:
      mode === 'validate' || mode === 'mutate'
        ? visible.filter((f) => f.action !== 'deny').map((f) => f.message)
        : [],
    patch,
    allowed: mode === 'mutate' || denials.length === 0,
  };
}

/**
 * The mutating webhook runs first and reports only what it patched; the validating webhook then
 * sees the patched object and reports the rest (a `patch` action without a fix warns there).
 */
function visibleIn(mode: EvaluationMode, finding: Finding): boolean {
  if (mode === 'mutate') return finding.action === 'patch';
  if (mode === 'validate') return finding.action !== 'patch';
  return true;
}

/** On UPDATE only containers whose image, policy or pull secrets changed are judged again. */
function containersToJudge(input: EvaluationInput): readonly ContainerEntry[] {
  const { workload, previous, operation } = input;
  if (operation !== 'UPDATE' || !previous) return workload.containers;
  const secretsChanged =
    JSON.stringify(imagePullSecretNames(workload.podSpec)) !==
      JSON.stringify(imagePullSecretNames(previous.podSpec)) ||
    workload.podSpec.serviceAccountName !== previous.podSpec.serviceAccountName;
  if (secretsChanged) return workload.containers;
  const before = new Map(previous.containers.map((c) => [`${c.list}/${c.name}`, c]));
  return workload.containers.filter((container) => {
    const old = before.get(`${container.list}/${container.name}`);
    return !old || old.image !== container.image || old.imagePullPolicy !== container.imagePullPolicy;
  });
}

function judgeContainer(input: EvaluationInput, plan: RulePlan, container: ContainerEntry): Finding[] {
  const { workload, config, facts, operation } = input;
  const image =
    typeof container.image === 'string' ? container.image : JSON.stringify(container.image ?? null);
  const parsed = typeof container.image === 'string' ? parseImageReference(container.image) : undefined;
  const ref = parsed?.ok && container.image === (container.image as string).trim() ? parsed.ref : undefined;
  if (
    config.exemptions.images.length > 0 &&
    imageExempt(config, image, ref ? formatReference(ref) : undefined)
  ) {
    return [];
  }
  const imageFacts = facts.images.get(container.pointer);
  const context: RuleContext = {
    workload,
    container,
    image,
    ref,
    pullPolicy: effectivePullPolicy(image, container.imagePullPolicy),
    facts,
    imageFacts,
    decidingResults: decidingResults(imageFacts),
    config,
    operation,
  };
  const findings: Finding[] = [];
  for (const { rule, action } of plan.rules) {
    const hit = rule.check(context);
    if (hit) findings.push(toFinding(input, context, rule, action, hit));
  }
  return findings;
}

function toFinding(
  input: EvaluationInput,
  context: RuleContext,
  rule: Rule,
  configured: 'deny' | 'warn' | 'patch',
  hit: RuleHit,
): Finding {
  const { workload } = input;
  const patchAllowed =
    hit.patch !== undefined &&
    hit.patch.length > 0 &&
    ruleInfo(rule.id).patchable &&
    !(hit.podCreateOnly && workload.kind === 'Pod' && input.operation !== 'CREATE');
  let action: Finding['action'] = configured;
  if (configured === 'patch' && !patchAllowed) action = 'warn';
  if (configured === 'deny' && !hit.certain) action = 'warn';
  const detail = action === 'patch' && hit.patchNote ? hit.patchNote : hit.detail;
  return {
    rule: rule.id,
    action,
    kind: workload.kind,
    namespace: workload.namespace,
    name: workload.name,
    container: context.container.name,
    containerList: context.container.list,
    pointer: context.container.pointer,
    image: context.image,
    message: formatMessage(rule.id, context.container.name, context.image, detail),
    certain: hit.certain,
    ...(action === 'patch' && hit.patch ? { patch: hit.patch } : {}),
  };
}

/** Later patches to the same path (two rules rewriting one image) keep the first; adds to lists are kept. */
function mergePatches(findings: readonly Finding[]): JsonPatchOp[] {
  const seen = new Set<string>();
  const merged: JsonPatchOp[] = [];
  for (const finding of findings) {
    for (const op of finding.patch ?? []) {
      const key = `${op.op}:${op.path}`;
      if (op.op !== 'add' || !op.path.endsWith('/-')) {
        if (seen.has(key)) continue;
        seen.add(key);
      }
      merged.push(op);
    }
  }
  return merged;
}
