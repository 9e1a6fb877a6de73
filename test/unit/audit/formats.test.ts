import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { formatJson } from '../../../src/audit/format-json.js';
import { formatJunit } from '../../../src/audit/format-junit.js';
import { formatSarif } from '../../../src/audit/format-sarif.js';
import { formatText } from '../../../src/audit/format-text.js';
import type { AuditReport } from '../../../src/audit/report.js';
import { runAudit } from '../../../src/audit/run.js';
import { DEFAULT_CONFIG } from '../../../src/config/load.js';
import { RULES } from '../../../src/core/catalog.js';
import { BROKEN, MIXED, writeTree } from './fixtures.js';

// The official SARIF 2.1.0 schema (draft-04), as shipped by Microsoft's SARIF jest matchers.
const require = createRequire(import.meta.url);
const AjvDraft04 = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;
const SARIF_SCHEMA_PATH = join(
  process.cwd(),
  'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json',
);

async function sampleReport(): Promise<{ root: string; report: AuditReport }> {
  const root = writeTree({
    'app.yaml': MIXED,
    'broken.yaml': BROKEN,
    'x & <y>.yaml': MIXED.replace('name: web', 'name: w"e<b'),
  });
  return { root, report: await runAudit({ paths: [root], config: DEFAULT_CONFIG }) };
}

describe('json output', () => {
  it('has exactly the contract fields, plus file, line and certain', async () => {
    const { report } = await sampleReport();
    const output = JSON.parse(formatJson(report)) as {
      findings: Record<string, unknown>[];
      summary: Record<string, unknown>;
    };
    expect(output.findings).toHaveLength(report.findings.length);
    for (const finding of output.findings) {
      expect(Object.keys(finding)).toEqual([
        'rule',
        'action',
        'kind',
        'namespace',
        'name',
        'container',
        'image',
        'message',
        'file',
        'line',
        'certain',
      ]);
      expect(String(finding.message).startsWith(`[${String(finding.rule)}] `)).toBe(true);
    }
    expect(output.findings.find((f) => f.kind === 'Pod')?.namespace).toBeNull();
    expect(output.summary).toMatchObject({ deny: 2, warn: 6, resources: 7 });
  });
});

describe('sarif output', () => {
  it('validates against the SARIF 2.1.0 schema and locates image lines', async () => {
    const { root, report } = await sampleReport();
    const text = formatSarif(report, { baseDir: root, toolVersion: '0.1.0' });
    const sarif = JSON.parse(text) as {
      runs: {
        tool: { driver: { rules: { id: string; help: { text: string } }[] } };
        results: {
          ruleId: string;
          ruleIndex: number;
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }[];
        }[];
        invocations: { executionSuccessful: boolean }[];
      }[];
    };
    // unicodeRegExp off: one pattern in the official schema is not valid with the u flag.
    const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA_PATH, 'utf8')) as object);
    expect(validate(sarif)).toBe(true);

    const run = sarif.runs[0];
    expect(run?.tool.driver.rules.map((rule) => rule.id)).toEqual(RULES.map((rule) => rule.id));
    expect(run?.tool.driver.rules.every((rule) => rule.help.text.length > 20)).toBe(true);
    expect(run?.invocations[0]?.executionSuccessful).toBe(false);
    const appText = readFileSync(join(root, 'app.yaml'), 'utf8').split('\n');
    const appResults =
      run?.results.filter((r) => r.locations[0]?.physicalLocation.artifactLocation.uri === 'app.yaml') ?? [];
    expect(appResults).toHaveLength(4);
    for (const result of appResults) {
      expect(appText[(result.locations[0]?.physicalLocation.region.startLine ?? 0) - 1]).toMatch(
        /^\s+image: /,
      );
      expect(RULES[result.ruleIndex]?.id).toBe(result.ruleId);
    }
    expect(run?.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri)).toContain(
      'x%20&%20%3Cy%3E.yaml',
    );
  });

  it('rejects a result without a message (the schema check can fail)', async () => {
    const { root, report } = await sampleReport();
    const sarif = JSON.parse(formatSarif(report, { baseDir: root })) as {
      runs: { results: Record<string, unknown>[] }[];
    };
    delete sarif.runs[0]?.results[0]?.message;
    const ajv = new AjvDraft04({ strict: false, validateFormats: false, unicodeRegExp: false });
    expect(ajv.validate(JSON.parse(readFileSync(SARIF_SCHEMA_PATH, 'utf8')) as object, sarif)).toBe(false);
  });
});

describe('junit output', () => {
  it('parses back: one test case per resource, failures for deny, errors for broken input', async () => {
    const { report } = await sampleReport();
    const xml = formatJunit(report);
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => name === 'testcase',
    }).parse(xml) as {
      testsuites: {
        testsuite: { tests: string; failures: string; errors: string; testcase: Record<string, unknown>[] };
      };
    };
    const suite = parsed.testsuites.testsuite;
    expect(suite.testcase).toHaveLength(report.resources.length + report.problems.length);
    expect(Number(suite.tests)).toBe(suite.testcase.length);
    const failing = suite.testcase.filter((testcase) => testcase.failure !== undefined);
    expect(failing.map((testcase) => testcase.name)).toEqual(['Pod broken', 'Pod broken']);
    expect(Number(suite.failures)).toBe(2);
    expect(Number(suite.errors)).toBe(1);
    expect(suite.testcase.map((testcase) => testcase.name)).toContain('Deployment shop/w"e<b');
    const warned = suite.testcase.find((testcase) => testcase.name === 'Deployment shop/web');
    expect(String(warned?.['system-out'])).toContain('[image-tag-mutable]');
  });
});

describe('text output', () => {
  it('groups by resource, starts each finding line with its action, ends with a summary', async () => {
    const { report } = await sampleReport();
    const lines = formatText(report, { color: false }).trimEnd().split('\n');
    const findingLines = lines.filter((line) => /^(deny|warn|patch) /.test(line));
    expect(findingLines).toHaveLength(report.findings.length);
    expect(lines.some((line) => line.includes('\u001b'))).toBe(false);
    expect(lines.at(-1)).toBe('7 resources audited, 2 deny, 6 warn, 1 input error');
    expect(lines.filter((line) => line.startsWith('Pod broken ('))).toHaveLength(2);
  });

  it('colours actions only when asked', async () => {
    const { report } = await sampleReport();
    expect(formatText(report, { color: true })).toContain('\u001b[31mdeny \u001b[0m');
  });
});
