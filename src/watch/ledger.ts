// The prediction ledger: each container's admission prediction joined with what the kubelet did,
// counted once per pod incarnation. Exposed as Prometheus counters and as a report.

import { Counter, type Registry } from 'prom-client';
import type { PullOutcome } from '../core/outcomes.js';
import type { Predicted } from './prediction-annotation.js';

/** What the kubelet did with the image, as far as the ledger cares. */
export type ActualOutcome =
  | { readonly kind: 'pulled' }
  | { readonly kind: 'cached' }
  | { readonly kind: 'failed'; readonly outcome: PullOutcome };

export const JOINS = [
  'failure-predicted-same', // predicted a failure, and it failed in that category
  'failure-predicted-different', // predicted a failure, and it failed in another category
  'failure-predicted-but-pulled', // a false alarm
  'ok-predicted-but-failed', // a miss
  'ok-predicted-and-pulled',
  'ok-predicted-and-cached',
  'ran-only-because-cached', // predicted failure or unknown, and the node had the image
  'unknown-predicted-pulled',
  'unknown-predicted-failed',
  'no-prediction-pulled',
  'no-prediction-failed',
  'no-prediction-cached',
] as const;
export type Join = (typeof JOINS)[number];

export function joinPrediction(predicted: Predicted | undefined, actual: ActualOutcome): Join {
  if (predicted === undefined) {
    if (actual.kind === 'failed') return 'no-prediction-failed';
    return actual.kind === 'cached' ? 'no-prediction-cached' : 'no-prediction-pulled';
  }
  if (actual.kind === 'cached')
    return predicted === 'ok' ? 'ok-predicted-and-cached' : 'ran-only-because-cached';
  if (predicted === 'unknown')
    return actual.kind === 'failed' ? 'unknown-predicted-failed' : 'unknown-predicted-pulled';
  if (predicted === 'ok')
    return actual.kind === 'failed' ? 'ok-predicted-but-failed' : 'ok-predicted-and-pulled';
  if (actual.kind === 'pulled') return 'failure-predicted-but-pulled';
  return actual.outcome === predicted ? 'failure-predicted-same' : 'failure-predicted-different';
}

export interface LedgerEntry {
  readonly join: Join;
  readonly predicted: Predicted | 'none';
  readonly actual: string;
}

export interface LedgerSummary {
  readonly total: number;
  readonly joins: Readonly<Record<Join, number>>;
  /** Share of containers with a definite prediction (ok or a failure) whose prediction was right. */
  readonly accuracy: number | null;
  /** Rows by (predicted, actual), most frequent first. */
  readonly rows: readonly {
    readonly predicted: string;
    readonly actual: string;
    readonly join: Join;
    readonly count: number;
  }[];
}

export class Ledger {
  private readonly counts = new Map<string, { entry: LedgerEntry; count: number }>();
  private readonly counter: Counter<'join' | 'predicted' | 'actual'> | undefined;

  constructor(registry?: Registry) {
    this.counter = registry
      ? new Counter({
          name: 'pullguard_prediction_outcomes_total',
          help: 'Containers whose admission prediction was joined with the kubelet outcome, by join, predicted and actual outcome',
          labelNames: ['join', 'predicted', 'actual'],
          registers: [registry],
        })
      : undefined;
  }

  record(predicted: Predicted | undefined, actual: ActualOutcome): Join {
    const join = joinPrediction(predicted, actual);
    const entry: LedgerEntry = {
      join,
      predicted: predicted ?? 'none',
      actual: actual.kind === 'failed' ? actual.outcome : actual.kind,
    };
    const key = `${entry.join}|${entry.predicted}|${entry.actual}`;
    const slot = this.counts.get(key);
    if (slot) slot.count += 1;
    else this.counts.set(key, { entry, count: 1 });
    this.counter?.inc({ join, predicted: entry.predicted, actual: entry.actual });
    return join;
  }

  summary(): LedgerSummary {
    const joins = Object.fromEntries(JOINS.map((join) => [join, 0])) as Record<Join, number>;
    let total = 0;
    for (const { entry, count } of this.counts.values()) {
      joins[entry.join] += count;
      total += count;
    }
    const right =
      joins['failure-predicted-same'] +
      joins['failure-predicted-different'] +
      joins['ok-predicted-and-pulled'] +
      joins['ok-predicted-and-cached'];
    const definite = right + joins['failure-predicted-but-pulled'] + joins['ok-predicted-but-failed'];
    const rows = [...this.counts.values()]
      .map(({ entry, count }) => ({
        predicted: entry.predicted,
        actual: entry.actual,
        join: entry.join,
        count,
      }))
      .sort((a, b) => b.count - a.count || a.join.localeCompare(b.join));
    return { total, joins, accuracy: definite === 0 ? null : right / definite, rows };
  }
}
