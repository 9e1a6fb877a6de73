// Turns .harden/figures/*.json into .harden/report.md and prints it; exits 1 when an item failed
// or recorded no figure. Run by `npm run harden` after the hardening tests.

import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ITEMS = ['1-fuzz', '2-faults', '3-load', '4-secrets', '5-ssrf', '6-replica-loss'];
const dir = join(process.cwd(), '.harden');
const figuresDir = join(dir, 'figures');
mkdirSync(figuresDir, { recursive: true });
const files = new Set(readdirSync(figuresDir));

const lines = ['# pullguard hardening report', ''];
let failed = false;
for (const item of ITEMS) {
  if (!files.has(`${item}.json`)) {
    lines.push(`## ${item}: FAIL (no figure recorded)`, '');
    failed = true;
    continue;
  }
  const figure = JSON.parse(readFileSync(join(figuresDir, `${item}.json`), 'utf8'));
  const status = figure.skipped ? 'SKIPPED' : figure.pass ? 'PASS' : 'FAIL';
  if (status === 'FAIL') failed = true;
  lines.push(`## ${item} ${figure.title}: ${status}`, '');
  lines.push(`${figure.full ? 'full' : 'short'} run, ${figure.date}, ${figure.machine}`, '');
  const [header, ...rows] = figure.table;
  if (header) {
    lines.push(`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`);
    for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
    lines.push('');
  }
  for (const note of figure.notes ?? []) lines.push(`- ${note}`);
  lines.push('');
}
lines.push(failed ? 'RESULT: FAIL' : 'RESULT: PASS', '');
const text = lines.join('\n');
writeFileSync(join(dir, 'report.md'), text);
process.stdout.write(text);
process.exit(failed ? 1 : 0);
