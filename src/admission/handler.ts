// Handle(request) -> response for both webhooks. Gathers facts within the budget, runs the pure
// engine, and turns its evaluation into an AdmissionReview. Never throws for a decodable request:
// facts that could not be gathered become "could not check", not a failure.

import type { Config } from '../config/schema.js';
import { evaluate, type Evaluation, type EvaluationMode } from '../core/engine.js';
import { NO_FACTS, type Facts } from '../core/facts.js';
import { startGathering, type FactGathering, type FactSources } from '../core/gather.js';
import type { JsonPatchOp } from '../core/patch.js';
import { walkWorkload, type Workload } from '../workload/walker.js';
import type { Logger } from '../logger.js';
import type { AdmissionRequest } from './review.js';
import { allowed, denied, patched, type AdmissionReviewResponse } from './verdict.js';

export type WebhookMode = Exclude<EvaluationMode, 'audit'>;

export interface PatchContext {
  /** The admitted object as sent (to see which maps exist before adding to them). */
  readonly object: unknown;
  readonly workload: Workload;
  readonly previous?: Workload;
  readonly operation: 'CREATE' | 'UPDATE';
  readonly facts: Facts;
  readonly config: Config;
}

/** Extra patches for admitted objects (e.g. the prediction ledger annotation). */
export type PatchExtension = (context: PatchContext) => readonly JsonPatchOp[];

export interface AdmissionDependencies {
  readonly config: () => Config;
  readonly sources: FactSources;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly mutateExtensions?: readonly PatchExtension[];
}

export interface AdmissionOutcome {
  readonly response: AdmissionReviewResponse;
  readonly verdict: 'allowed' | 'denied' | 'patched' | 'skipped';
  readonly evaluation?: Evaluation;
  readonly factsIncomplete: boolean;
}

/** Margin kept between the fact-gathering deadline and the budget, for the decision and encoding. */
const DECISION_MARGIN_MS = 50;
const BUDGET_EXHAUSTED = new Error('admission budget exhausted');

export function createAdmissionHandler(deps: AdmissionDependencies) {
  const now = deps.now ?? (() => performance.now());

  /** Facts for the decision; only registry answers that are not cached cost a wait (bounded). */
  function collect(
    workload: Workload,
    config: Config,
  ): { facts: Facts; incomplete: boolean } | Promise<{ facts: Facts; incomplete: boolean }> {
    let gathering: FactGathering;
    try {
      gathering = startGathering(workload, deps.sources, config);
    } catch (error) {
      return gatheringFailed(error);
    }
    if (!gathering.complete) return { facts: gathering.facts, incomplete: false };
    return completeWithinBudget(gathering.facts, gathering.complete, config).catch(gatheringFailed);
  }

  function gatheringFailed(error: unknown): { facts: Facts; incomplete: boolean } {
    deps.logger.warn(
      { err: (error as Error).message },
      'fact gathering failed; checks that need facts are skipped',
    );
    return { facts: NO_FACTS, incomplete: true };
  }

  async function completeWithinBudget(
    known: Facts,
    complete: (signal: AbortSignal) => Promise<Facts>,
    config: Config,
  ): Promise<{ facts: Facts; incomplete: boolean }> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(
        () => {
          controller.abort(BUDGET_EXHAUSTED);
          resolve('expired');
        },
        Math.max(10, config.budgetMs - DECISION_MARGIN_MS),
      );
    });
    try {
      // The race guards against an adapter that ignores the signal: the answer is never late.
      const facts = await Promise.race([complete(controller.signal), expired]);
      // Past the deadline the facts known without the registries still count.
      return facts === 'expired' ? { facts: known, incomplete: true } : { facts, incomplete: false };
    } finally {
      clearTimeout(timer);
    }
  }

  async function handle(request: AdmissionRequest, mode: WebhookMode): Promise<AdmissionOutcome> {
    const started = now();
    // Status updates, deletes and connects never change which images run.
    if (request.operation === 'DELETE' || request.operation === 'CONNECT') return skipped(request);
    if (request.subResource !== '' && request.subResource !== 'ephemeralcontainers') return skipped(request);
    const workload = walkWorkload(request.object, request.namespace);
    if (!workload) return skipped(request);
    const previous =
      request.operation === 'UPDATE' ? walkWorkload(request.oldObject, request.namespace) : undefined;
    const config = deps.config();
    const collected = collect(workload, config);
    const { facts, incomplete } = collected instanceof Promise ? await collected : collected;
    const evaluation = evaluate({ workload, operation: request.operation, previous, facts, config, mode });
    const warnings =
      incomplete && mode === 'validate'
        ? [
            ...evaluation.warnings,
            `[pullguard] checks that need registry or cluster facts were skipped: not gathered within ${config.budgetMs} ms`,
          ]
        : evaluation.warnings;
    const outcome = respond(
      request,
      mode,
      { object: request.object, workload, previous, facts, config },
      evaluation,
      warnings,
    );
    if (deps.logger.isLevelEnabled?.('info') !== false) {
      deps.logger.info(
        {
          uid: request.uid,
          mode,
          operation: request.operation,
          dryRun: request.dryRun,
          resource: `${workload.kind}/${workload.namespace ?? ''}/${workload.name}`,
          verdict: outcome.verdict,
          rules: evaluation.findings.map((finding) => `${finding.rule}:${finding.action}`),
          ms: Math.round(now() - started),
        },
        'admission',
      );
    }
    return { response: outcome.response, verdict: outcome.verdict, evaluation, factsIncomplete: incomplete };
  }

  function respond(
    request: AdmissionRequest,
    mode: WebhookMode,
    context: Omit<PatchContext, 'operation' | 'previous'> & { previous: Workload | undefined },
    evaluation: Evaluation,
    warnings: readonly string[],
  ): Omit<AdmissionOutcome, 'factsIncomplete'> {
    if (mode === 'validate') {
      if (!evaluation.allowed) {
        const message = evaluation.denials.map((finding) => finding.message).join('; ');
        return { response: denied(request.uid, message, warnings), verdict: 'denied' };
      }
      return { response: allowed(request.uid, warnings), verdict: 'allowed' };
    }
    const operation = request.operation === 'UPDATE' ? 'UPDATE' : 'CREATE';
    const { previous, ...rest } = context;
    const patchContext: PatchContext = { ...rest, operation, ...(previous ? { previous } : {}) };
    const extra = (deps.mutateExtensions ?? []).flatMap((extension) => extension(patchContext));
    const patch = [...evaluation.patch, ...extra];
    return {
      response: patched(request.uid, patch, warnings),
      verdict: evaluation.patch.length > 0 ? 'patched' : 'allowed',
    };
  }

  return { handle };
}

function skipped(request: AdmissionRequest): AdmissionOutcome {
  return { response: allowed(request.uid), verdict: 'skipped', factsIncomplete: false };
}

export type AdmissionHandler = ReturnType<typeof createAdmissionHandler>;
