// Which rules run in a namespace, with the action each takes there, and which fact kinds they
// read. Both follow from the frozen config and the namespace alone, so they are worked out once
// per pair and remembered: the admission path then does one lookup instead of resolving every
// rule's namespace overrides for every container.

import type { Config } from '../config/schema.js';
import { ruleInfo, type FactKind } from './catalog.js';
import { actionFor } from './policy.js';
import type { Rule } from './rule.js';
import { RULE_MODULES } from './rules/index.js';

export interface EnabledRule {
  readonly rule: Rule;
  readonly action: 'deny' | 'warn' | 'patch';
}

export interface RulePlan {
  /** The rules that are not off, in catalog order. */
  readonly rules: readonly EnabledRule[];
  /** Fact kinds some enabled rule reads (from the catalog). */
  readonly needs: ReadonlySet<FactKind>;
}

/** Namespaces are few in practice; the cap only bounds a flood of distinct names. */
const MAX_NAMESPACES = 10_000;
const plans = new WeakMap<Config, Map<string, RulePlan>>();

export function rulePlan(config: Config, namespace: string | null): RulePlan {
  let byNamespace = plans.get(config);
  if (!byNamespace) plans.set(config, (byNamespace = new Map()));
  const key = namespace ?? '';
  let plan = byNamespace.get(key);
  if (!plan) {
    plan = buildPlan(config, namespace, RULE_MODULES);
    if (byNamespace.size >= MAX_NAMESPACES) byNamespace.clear();
    byNamespace.set(key, plan);
  }
  return plan;
}

/** The plan for an explicit rule list (tests and tools that run a subset); not remembered. */
export function buildPlan(config: Config, namespace: string | null, modules: readonly Rule[]): RulePlan {
  const rules: EnabledRule[] = [];
  const needs = new Set<FactKind>();
  for (const rule of modules) {
    const action = actionFor(config, rule.id, namespace);
    if (action === 'off') continue;
    rules.push({ rule, action });
    for (const kind of ruleInfo(rule.id).needs) needs.add(kind);
  }
  return { rules, needs };
}

export function neededFacts(config: Config, namespace: string | null): ReadonlySet<FactKind> {
  return rulePlan(config, namespace).needs;
}
