// Recent failures published by the leading watcher in a ConfigMap, read by every webhook replica
// (through the Kubernetes API, no side channel). Compact JSON, bounded well under the 1 MiB
// object limit: the oldest failures are dropped first.

import type { RecentFailure } from '../core/facts.js';
import { isPullOutcome } from '../core/outcomes.js';

export const FAILURES_CONFIGMAP = 'pullguard-recent-failures';
export const FAILURES_KEY = 'failures.json';
export const MAX_PUBLISHED_BYTES = 256 * 1024;

type Row = [
  reference: string,
  outcome: string,
  reason: string,
  message: string,
  lastSeen: string,
  pods: number,
];

/** Newest-first failures -> the ConfigMap value; rows that do not fit are left out. */
export function encodeFailures(
  failures: readonly (readonly [string, RecentFailure])[],
  maxBytes = MAX_PUBLISHED_BYTES,
): string {
  const rows: Row[] = [];
  let size = 20;
  for (const [reference, failure] of failures) {
    const row: Row = [
      reference,
      failure.outcome,
      failure.reason,
      failure.message.slice(0, 200),
      failure.lastSeen,
      failure.pods,
    ];
    const rowSize = Buffer.byteLength(JSON.stringify(row)) + 1;
    if (size + rowSize > maxBytes) break;
    size += rowSize;
    rows.push(row);
  }
  return JSON.stringify({ v: 1, f: rows });
}

/** The ConfigMap value -> failures; malformed rows are skipped, a malformed document yields none. */
export function decodeFailures(text: unknown): [string, RecentFailure][] {
  if (typeof text !== 'string' || text.length > 1024 * 1024) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { v?: unknown }).v !== 1) return [];
  const rows = (parsed as { f?: unknown }).f;
  if (!Array.isArray(rows)) return [];
  const failures: [string, RecentFailure][] = [];
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== 6) continue;
    const [reference, outcome, reason, message, lastSeen, pods] = row as unknown[];
    if (
      typeof reference !== 'string' ||
      !isPullOutcome(outcome) ||
      typeof reason !== 'string' ||
      typeof message !== 'string'
    )
      continue;
    if (typeof lastSeen !== 'string' || !Number.isFinite(Date.parse(lastSeen)) || typeof pods !== 'number')
      continue;
    failures.push([reference, { outcome, reason, message, lastSeen, pods }]);
  }
  return failures;
}
