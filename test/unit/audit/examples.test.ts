import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parseDocuments } from '../../../src/audit/documents.js';
import { readInputs } from '../../../src/audit/inputs.js';
import { runAudit } from '../../../src/audit/run.js';
import { defaultAuditSources } from '../../../src/cli/audit-sources.js';
import { DEFAULT_CONFIG } from '../../../src/config/load.js';
import { RULE_IDS } from '../../../src/core/catalog.js';
import { RULE_MODULES } from '../../../src/core/rules/index.js';
import { isObject, WORKLOAD_KINDS } from '../../../src/workload/walker.js';
import { auditCli } from './fixtures.js';

interface Expectation {
  readonly offline: string[];
  readonly online: string[];
}

/** `pullguard.dev/expect[-online]` annotations of every workload in examples/, keyed kind/namespace/name. */
async function expectations(): Promise<Map<string, Expectation>> {
  const { texts } = await readInputs(['examples'], () => Promise.reject(new Error('no stdin')));
  const result = new Map<string, Expectation>();
  const visit = (value: unknown): void => {
    if (!isObject(value)) return;
    if (Array.isArray(value.items)) value.items.forEach(visit);
    const metadata = isObject(value.metadata) ? value.metadata : {};
    const annotations = isObject(metadata.annotations) ? metadata.annotations : {};
    if (typeof annotations['pullguard.dev/expect'] !== 'string') return;
    const list = (key: string): string[] =>
      String(annotations[key] ?? '')
        .split(',')
        .filter(Boolean);
    result.set(`${String(value.kind)}/${String(metadata.namespace ?? '')}/${String(metadata.name)}`, {
      offline: list('pullguard.dev/expect'),
      online: list('pullguard.dev/expect-online'),
    });
  };
  for (const text of texts) parseDocuments(text.name, text.text).documents.forEach((doc) => visit(doc.value));
  return result;
}

// Rules whose module is not in this build cannot report yet; their examples are checked once they are.
const IMPLEMENTED = new Set<string>(RULE_MODULES.map((rule) => rule.id));

describe('examples/', () => {
  it('every audited workload declares what it expects, and gets exactly that', async () => {
    const expected = await expectations();
    const sources = defaultAuditSources();
    const report = await runAudit(
      { paths: ['examples'], config: DEFAULT_CONFIG },
      sources.manifestView ? { manifestView: sources.manifestView } : {},
    );
    expect(report.problems).toEqual([]);
    expect(report.resources.length).toBe(expected.size);
    for (const resource of report.resources) {
      const key = `${resource.kind}/${resource.namespace ?? ''}/${resource.name}`;
      const want = expected.get(key);
      expect({ key, rules: want?.offline.filter((id) => IMPLEMENTED.has(id)).sort() }).toEqual({
        key,
        rules: [...new Set(resource.findings.map((finding) => finding.rule))].sort(),
      });
    }
  });

  it('covers every rule of the catalog and every workload kind', async () => {
    const expected = [...(await expectations()).entries()];
    const rules = new Set(expected.flatMap(([, want]) => [...want.offline, ...want.online]));
    expect([...RULE_IDS].filter((id) => !rules.has(id))).toEqual([]);
    expect([...rules].filter((id) => !(RULE_IDS as readonly string[]).includes(id))).toEqual([]);
    const kinds = new Set(
      expected.filter(([key]) => key.split('/')[2]?.startsWith('good-')).map(([key]) => key.split('/')[0]),
    );
    expect([...kinds].sort()).toEqual([...WORKLOAD_KINDS].sort());
    const badKinds = new Set(
      expected.filter(([, want]) => want.offline.length > 0).map(([key]) => key.split('/')[0]),
    );
    expect([...badKinds].sort()).toEqual([...WORKLOAD_KINDS].sort());
  });

  it('pullguard audit -f examples/ exits 1 and prints one line per finding, at the image line', async () => {
    const { stdout, stderr, code } = await auditCli(['-f', 'examples/']);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    const findingLines = stdout.split('\n').filter((line) => /^(deny|warn|patch) /.test(line));
    expect(findingLines.length).toBeGreaterThanOrEqual(8);
    for (const line of findingLines) {
      const [, file, lineNo] = /^\S+\s+(\S+):(\d+) \[/.exec(line) ?? [];
      expect(readFileSync(String(file), 'utf8').split('\n')[Number(lineNo) - 1]).toMatch(/"?image"?:/);
    }
  });
});
