// The contract's JSON shape: findings[] and summary{deny, warn, resources}. Fields may be added
// (file, line, certain, patch, skipped, problems) but the contract's names never change.

import { describeProblem, type AuditReport } from './report.js';

export function formatJson(report: AuditReport): string {
  const output = {
    findings: report.findings.map((finding) => ({
      rule: finding.rule,
      action: finding.action,
      kind: finding.kind,
      namespace: finding.namespace,
      name: finding.name,
      container: finding.container,
      image: finding.image,
      message: finding.message,
      file: finding.file,
      line: finding.line,
      certain: finding.certain,
    })),
    summary: {
      deny: report.summary.deny,
      warn: report.summary.warn,
      resources: report.summary.resources,
      patch: report.summary.patch,
      skipped: report.skipped.notKubernetes + report.skipped.notWorkload,
      problems: report.problems.length,
    },
    problems: report.problems.map(describeProblem),
  };
  return `${JSON.stringify(output, null, 2)}\n`;
}
