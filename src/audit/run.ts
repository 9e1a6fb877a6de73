// runAudit: the same engine as the webhook over manifests. Inputs are read and parsed first so
// that Secrets and ServiceAccounts anywhere in them are known before any workload is judged.

import type { Config } from '../config/schema.js';
import { evaluate } from '../core/engine.js';
import type { Facts } from '../core/facts.js';
import type { Finding } from '../core/finding.js';
import { gatherFacts, type ClusterView, type FailureHistory, type RegistryProber } from '../core/gather.js';
import { eachDocument } from './documents.js';
import { readInputs, type InputProblem } from './inputs.js';
import { classifyDocument, emptyClassified, type AuditTarget, type ManifestObjects } from './objects.js';
import type { AuditFinding, AuditReport, AuditResource } from './report.js';

/**
 * Builds a ClusterView from the Secrets and ServiceAccounts in the manifests, falling back to
 * `cluster` (from --cluster) for objects the manifests do not hold. With no fallback, a Secret
 * absent from the manifests must be reported as unknown, never as not found.
 */
export type ManifestViewFactory = (
  objects: ManifestObjects,
  fallback: ClusterView | undefined,
) => ClusterView;

export interface AuditDependencies {
  readonly cluster?: ClusterView;
  readonly prober?: RegistryProber;
  readonly history?: FailureHistory;
  readonly manifestView?: ManifestViewFactory;
}

export interface AuditOptions {
  /** `-f` arguments: files, directories, `-` for stdin. */
  readonly paths: readonly string[];
  readonly config: Config;
  readonly readStdin?: () => Promise<string>;
  /** Deadline for gathering one workload's facts (registry probes). */
  readonly factTimeoutMs?: number;
  /** Workloads whose facts are gathered at once (probes to shared images are cached by the prober). */
  readonly concurrency?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

const NEVER_ABORTED = new AbortController().signal;

export async function runAudit(options: AuditOptions, deps: AuditDependencies = {}): Promise<AuditReport> {
  const inputs = await readInputs(options.paths, options.readStdin ?? (() => Promise.resolve('')));
  const problems: InputProblem[] = [...inputs.problems];
  const classified = emptyClassified();
  for (const input of inputs.texts) {
    problems.push(...eachDocument(input.name, input.text, (doc) => classifyDocument(doc, classified)));
  }
  const { manifests } = classified;
  const cluster = deps.manifestView ? deps.manifestView(manifests, deps.cluster) : deps.cluster;
  const sources = { cluster, prober: deps.prober, history: deps.history };
  const notes: string[] = [];

  const resources: AuditResource[] = new Array(classified.targets.length);
  let done = 0;
  await forEachLimited(classified.targets, options.concurrency ?? 8, async (target, index) => {
    const facts = await factsFor(target, sources, options, notes);
    const evaluation = evaluate({
      workload: target.workload,
      operation: 'CREATE',
      facts,
      config: options.config,
      mode: 'audit',
    });
    resources[index] = toResource(target, evaluation.findings);
    done += 1;
    options.onProgress?.(done, classified.targets.length);
  });

  const findings = resources.flatMap((resource) => resource.findings);
  const count = (action: string): number => findings.filter((finding) => finding.action === action).length;
  return {
    resources,
    findings,
    summary: { deny: count('deny'), warn: count('warn'), patch: count('patch'), resources: resources.length },
    skipped: { ...classified.skipped },
    manifestFacts: { secrets: manifests.secrets.length, serviceAccounts: manifests.serviceAccounts.length },
    problems,
    notes,
  };
}

async function factsFor(
  target: AuditTarget,
  sources: Parameters<typeof gatherFacts>[1],
  options: AuditOptions,
  notes: string[],
): Promise<Facts> {
  const signal = sources.prober ? AbortSignal.timeout(options.factTimeoutMs ?? 30_000) : NEVER_ABORTED;
  try {
    return await gatherFacts(target.workload, sources, options.config, signal);
  } catch (error) {
    // A failing fact source never stops the audit: the checks that needed it are skipped.
    const reason = error instanceof Error ? error.message : String(error);
    notes.push(
      `${target.source}: ${target.workload.kind} ${target.workload.name}: facts not gathered (${reason})`,
    );
    return { clusterUnknown: 'facts could not be gathered', images: new Map(), recentFailures: new Map() };
  }
}

function toResource(target: AuditTarget, findings: readonly Finding[]): AuditResource {
  const { workload } = target;
  return {
    kind: workload.kind,
    namespace: workload.namespace,
    name: workload.name,
    file: target.source,
    document: target.document,
    line: target.line,
    findings: findings.map((finding): AuditFinding => ({
      rule: finding.rule,
      action: finding.action,
      kind: finding.kind,
      namespace: finding.namespace,
      name: finding.name,
      container: finding.container,
      image: finding.image,
      message: finding.message,
      file: target.source,
      line: target.imageLines.get(finding.pointer) ?? target.line,
      certain: finding.certain,
    })),
  };
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
