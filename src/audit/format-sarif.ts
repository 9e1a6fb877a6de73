// SARIF 2.1.0 for code-scanning UIs: rule metadata from the catalog (with help text), one result
// per finding located at the container's `image:` line, input problems as tool notifications.

import { isAbsolute, relative, sep } from 'node:path';
import { RULES, type Action } from '../core/catalog.js';
import type { FindingAction } from '../core/finding.js';
import { STDIN_NAME } from './inputs.js';
import type { AuditReport } from './report.js';

export interface SarifOptions {
  /** Artifact URIs are written relative to this directory (the repository root in CI). */
  readonly baseDir: string;
  readonly toolVersion?: string;
}

type Level = 'error' | 'warning' | 'note' | 'none';

const RESULT_LEVEL: Record<FindingAction, Level> = { deny: 'error', warn: 'warning', patch: 'warning' };
const DEFAULT_LEVEL: Record<Action, Level> = {
  deny: 'error',
  warn: 'warning',
  patch: 'warning',
  off: 'none',
};

export function formatSarif(report: AuditReport, options: SarifOptions): string {
  const ruleIndex = new Map<string, number>(RULES.map((rule, index) => [rule.id, index]));
  const location = (file: string, line: number | undefined) => ({
    physicalLocation: {
      artifactLocation: artifactLocation(file, options.baseDir),
      ...(line !== undefined ? { region: { startLine: line } } : {}),
    },
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pullguard',
            ...(options.toolVersion ? { version: options.toolVersion } : {}),
            rules: RULES.map((rule) => ({
              id: rule.id,
              name: pascalCase(rule.id),
              shortDescription: { text: rule.summary },
              fullDescription: { text: rule.summary },
              help: {
                text: `${rule.summary} Fix: ${rule.fix}`,
                markdown: `${rule.summary}\n\n**Fix:** ${rule.fix}`,
              },
              defaultConfiguration: { level: DEFAULT_LEVEL[rule.defaultAction] },
              properties: { tags: ['kubernetes', 'image-pull', ...rule.needs] },
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: report.problems.length === 0,
            toolExecutionNotifications: report.problems.map((problem) => ({
              level: 'error',
              message: { text: problem.message },
              locations: [location(problem.source, problem.line)],
            })),
          },
        ],
        results: report.findings.map((finding) => ({
          ruleId: finding.rule,
          ruleIndex: ruleIndex.get(finding.rule) ?? -1,
          level: RESULT_LEVEL[finding.action],
          message: { text: finding.message },
          locations: [
            {
              ...location(finding.file, finding.line),
              logicalLocations: [
                {
                  fullyQualifiedName: [
                    finding.kind,
                    finding.namespace ?? '',
                    finding.name,
                    finding.container,
                  ].join('/'),
                  kind: 'object',
                },
              ],
            },
          ],
          // Stable across runs and line moves, so code scanning keeps one alert per container and rule.
          partialFingerprints: {
            'pullguard/v1': [
              finding.rule,
              finding.kind,
              finding.namespace ?? '',
              finding.name,
              finding.container,
            ].join('|'),
          },
          properties: { action: finding.action, certain: finding.certain },
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function artifactLocation(file: string, baseDir: string): { uri: string; uriBaseId?: string } {
  if (file === STDIN_NAME) return { uri: 'stdin' };
  const path = isAbsolute(file) ? relative(baseDir, file) : file;
  if (isAbsolute(path) || path.startsWith('..'))
    return { uri: `file://${encodeURI(file.split(sep).join('/'))}` };
  return { uri: encodeURI(path.split(sep).join('/')), uriBaseId: '%SRCROOT%' };
}

function pascalCase(id: string): string {
  return id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
