// The ledger and the recent failures as a text table or as JSON (`pullguard watch --report`).

import type { RecentFailure } from '../core/facts.js';
import type { LedgerSummary } from './ledger.js';

export interface WatchReport {
  readonly ledger: LedgerSummary;
  readonly recentFailures: readonly (readonly [string, RecentFailure])[];
  readonly trackedPods: number;
}

export function reportJson(report: WatchReport): string {
  return `${JSON.stringify(
    {
      ledger: report.ledger,
      recentFailures: report.recentFailures.map(([image, failure]) => ({ image, ...failure })),
      trackedPods: report.trackedPods,
    },
    null,
    2,
  )}\n`;
}

export function reportText(report: WatchReport): string {
  const { ledger } = report;
  const lines: string[] = [];
  const accuracy = ledger.accuracy === null ? 'n/a' : `${(ledger.accuracy * 100).toFixed(1)}%`;
  lines.push(`Predictions joined with pull outcomes: ${ledger.total} containers, accuracy ${accuracy}`);
  lines.push(
    ...table(
      ['PREDICTED', 'ACTUAL', 'JOIN', 'COUNT'],
      ledger.rows.map((row) => [row.predicted, row.actual, row.join, String(row.count)]),
    ),
  );
  lines.push('');
  lines.push(`Recent pull failures: ${report.recentFailures.length}`);
  lines.push(
    ...table(
      ['IMAGE', 'OUTCOME', 'REASON', 'PODS', 'LAST SEEN'],
      report.recentFailures.map(([image, failure]) => [
        image,
        failure.outcome,
        failure.reason,
        String(failure.pods),
        failure.lastSeen,
      ]),
    ),
  );
  return `${lines.join('\n')}\n`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  if (rows.length === 0) return ['  (none)'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const format = (row: readonly string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [format(header), ...rows.map(format)];
}
