// JUnit XML for CI test reports: one test case per resource; deny findings fail it, warnings go
// to system-out; unreadable inputs and broken documents are errored test cases.

import { describeProblem, type AuditReport } from './report.js';

export function formatJunit(report: AuditReport): string {
  const failures = report.resources.filter((resource) =>
    resource.findings.some((f) => f.action === 'deny'),
  ).length;
  const tests = report.resources.length + report.problems.length;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const counts = `tests="${tests}" failures="${failures}" errors="${report.problems.length}" skipped="0"`;
  out.push(`<testsuites name="pullguard audit" ${counts}>`);
  out.push(`  <testsuite name="pullguard audit" ${counts}>`);
  for (const resource of report.resources) {
    const namespace = resource.namespace ?? '';
    const name = `${resource.kind} ${namespace === '' ? '' : `${namespace}/`}${resource.name}`;
    const attributes = `classname="${xml(resource.file)}" name="${xml(name)}" file="${xml(resource.file)}" line="${resource.line}"`;
    const denials = resource.findings.filter((finding) => finding.action === 'deny');
    const others = resource.findings.filter((finding) => finding.action !== 'deny');
    if (resource.findings.length === 0) {
      out.push(`    <testcase ${attributes}/>`);
      continue;
    }
    out.push(`    <testcase ${attributes}>`);
    if (denials.length > 0) {
      const first = denials[0]?.message ?? '';
      const body = denials.map((f) => `${f.file}:${f.line} ${f.message}`).join('\n');
      out.push(
        `      <failure type="${xml(denials[0]?.rule ?? '')}" message="${xml(first)}">${xml(body)}</failure>`,
      );
    }
    if (others.length > 0) {
      const body = others.map((f) => `${f.action} ${f.file}:${f.line} ${f.message}`).join('\n');
      out.push(`      <system-out>${xml(body)}</system-out>`);
    }
    out.push('    </testcase>');
  }
  for (const problem of report.problems) {
    const attributes = `classname="${xml(problem.source)}" name="${xml(`input ${problem.source}`)}"`;
    out.push(`    <testcase ${attributes}>`);
    out.push(`      <error type="input" message="${xml(describeProblem(problem))}"/>`);
    out.push('    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>');
  return `${out.join('\n')}\n`;
}

/** Escapes for attributes and text; characters XML 1.0 cannot carry at all become U+FFFD. */
function xml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      .replace(/\n/g, '&#10;')
  );
}
