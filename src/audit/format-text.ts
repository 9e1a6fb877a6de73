// Human output: findings grouped by resource, one line per finding starting with its action,
// and a one-line summary. Colour only when the caller says the terminal wants it.

import type { AuditFinding, AuditReport } from './report.js';

export interface TextOptions {
  readonly color: boolean;
}

const COLORS: Record<AuditFinding['action'], string> = {
  deny: '\u001b[31m',
  warn: '\u001b[33m',
  patch: '\u001b[36m',
};
const BOLD = '\u001b[1m';
const RESET = '\u001b[0m';

export function formatText(report: AuditReport, options: TextOptions): string {
  const paint = (code: string, text: string): string => (options.color ? `${code}${text}${RESET}` : text);
  const lines: string[] = [];
  for (const resource of report.resources) {
    if (resource.findings.length === 0) continue;
    const namespace = resource.namespace === null ? '' : `${resource.namespace}/`;
    lines.push(
      paint(BOLD, `${resource.kind} ${namespace}${resource.name} (${resource.file}:${resource.line})`),
    );
    for (const finding of resource.findings) {
      lines.push(
        `${paint(COLORS[finding.action], finding.action.padEnd(5))} ${finding.file}:${finding.line} ${finding.message}`,
      );
    }
  }
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

export function summaryLine(report: AuditReport): string {
  const { summary, skipped } = report;
  const parts = [
    `${summary.resources} ${plural(summary.resources, 'resource')} audited`,
    `${summary.deny} deny`,
    `${summary.warn} warn`,
  ];
  if (summary.patch > 0) parts.push(`${summary.patch} patch`);
  const skippedCount = skipped.notKubernetes + skipped.notWorkload;
  if (skippedCount > 0) parts.push(`${skippedCount} skipped (not workloads)`);
  if (report.problems.length > 0)
    parts.push(`${report.problems.length} input ${plural(report.problems.length, 'error')}`);
  return parts.join(', ');
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
