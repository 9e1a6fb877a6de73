// docs/rules.md keeps one section per rule id of the catalog, with its default, an example in the
// message format of the contract, and a fix; messages may link to docs/rules.md#<rule-id>.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { RULE_IDS, ruleInfo } from '../../../src/core/catalog.js';

const doc = readFileSync('docs/rules.md', 'utf8');
const sections = new Map(
  doc
    .split(/^## /m)
    .slice(1)
    .map((section) => [section.split('\n', 1)[0]!.trim(), section] as const),
);

describe('docs/rules.md', () => {
  it('has exactly one section per rule id, in catalog order', () => {
    expect([...sections.keys()]).toEqual([...RULE_IDS]);
  });

  it.each(RULE_IDS)('%s: default action, an example message and a fix', (id) => {
    const section = sections.get(id) ?? '';
    expect(section).toContain(`Default: \`${ruleInfo(id).defaultAction}\``);
    expect(section).toMatch(
      new RegExp(`^Example: \`\\[${id}\\] container "[^"]+" image "[^"]+": .+\`$`, 'm'),
    );
    const example = /^Example: `(.*)`$/m.exec(section)?.[1] ?? '';
    if (ruleInfo(id).defaultAction === 'warn') expect(example.length).toBeLessThan(256);
    expect(section).toMatch(/^Fix: /m);
  });
});
