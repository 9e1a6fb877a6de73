// The audit's result as plain data, shared by every output format, and the exit code it implies.

import type { Finding } from '../core/finding.js';
import type { InputProblem } from './inputs.js';
import type { SkipCounts } from './objects.js';

/** An engine finding (its fields, not its pointer or patch) placed in the audited file. */
export interface AuditFinding extends Pick<
  Finding,
  'rule' | 'action' | 'kind' | 'namespace' | 'name' | 'container' | 'image' | 'message' | 'certain'
> {
  readonly file: string;
  /** Line of the container's `image:` value. */
  readonly line: number;
}

export interface AuditResource {
  readonly kind: string;
  readonly namespace: string | null;
  readonly name: string;
  readonly file: string;
  readonly document: number;
  readonly line: number;
  readonly findings: readonly AuditFinding[];
}

export interface AuditSummary {
  readonly deny: number;
  readonly warn: number;
  /** Findings the webhook would fix by mutation (configured `patch`); they also warn. */
  readonly patch: number;
  readonly resources: number;
}

export interface AuditReport {
  readonly resources: readonly AuditResource[];
  readonly findings: readonly AuditFinding[];
  readonly summary: AuditSummary;
  readonly skipped: Readonly<SkipCounts>;
  /** Secrets and ServiceAccounts read from the manifests as cluster facts. */
  readonly manifestFacts: { readonly secrets: number; readonly serviceAccounts: number };
  /** Unreadable inputs and broken documents: the run is incomplete and exits 2. */
  readonly problems: readonly InputProblem[];
  /** Checks that could not run (facts not obtained); informational. */
  readonly notes: readonly string[];
}

export type FailOn = 'deny' | 'warn';

/**
 * 2 when any input could not be read or parsed, even if the rest found denials: the run is
 * incomplete, so neither "clean" nor "denied" would be the whole truth. Otherwise 1 on any deny
 * (or any warning with --fail-on warn), else 0.
 */
export function auditExitCode(report: AuditReport, failOn: FailOn): 0 | 1 | 2 {
  if (report.problems.length > 0) return 2;
  if (report.summary.deny > 0) return 1;
  if (failOn === 'warn' && report.summary.warn + report.summary.patch > 0) return 1;
  return 0;
}

export function describeProblem(problem: InputProblem): string {
  const where = [
    problem.source,
    problem.document !== undefined ? `document ${problem.document}` : undefined,
    problem.line !== undefined ? `line ${problem.line}` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(', ');
  return `${where}: ${problem.message}`;
}
