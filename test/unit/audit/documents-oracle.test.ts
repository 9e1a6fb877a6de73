// parseDocuments reads with js-yaml for speed; the `yaml` package (what audit used before, and
// what reads the config) is the oracle: same values, and the same `image:` lines, for manifests
// written in every style.

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isMap, LineCounter, parseAllDocuments, stringify, type Document } from 'yaml';
import { parseDocuments } from '../../../src/audit/documents.js';

const text = fc
  .string({
    unit: fc.constantFrom(
      'a',
      'Z',
      ' ',
      ':',
      '#',
      '-',
      '"',
      "'",
      '\n',
      '{',
      '[',
      '*',
      '&',
      '!',
      '%',
      '.',
      '0',
      '1',
      'e',
      '~',
      '\\',
      '\t',
      'é',
    ),
    maxLength: 10,
  })
  // yaml's flow writer leaves a leading `:` unquoted, which reads back as a null key: the two
  // parsers name that key differently ("" and "null"); no manifest field is a null key.
  .filter((s) => !s.startsWith(':'));
const scalar = fc.oneof(
  text,
  fc.constantFrom(
    'yes',
    'No',
    'null',
    '~',
    '0o17',
    '0x1F',
    '1e3',
    '.inf',
    '-.5',
    '+12',
    '---',
    '...',
    '<<',
    '',
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  fc.boolean(),
  fc.constant(null),
);
const extras = fc.dictionary(text, fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })), { maxKeys: 3 });
const container = fc.record({ name: text, image: scalar, extra: extras });
const manifest = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('Pod'),
  metadata: fc.record({ name: text, labels: extras }),
  spec: fc.record({
    initContainers: fc.array(container, { maxLength: 2 }),
    containers: fc.array(container, { minLength: 1, maxLength: 3 }),
  }),
});
type Manifest = typeof manifest extends fc.Arbitrary<infer T> ? T : never;

const STYLES: Record<string, (value: Manifest) => string> = {
  block: (value) => stringify(value),
  flow: (value) => stringify(value, { collectionStyle: 'flow' }),
  json: (value) => JSON.stringify(value, null, 2),
  compactJson: (value) => JSON.stringify(value),
};

/** 1-based line of the `image:` key of every container, read from the `yaml` package's nodes. */
function oracleImageLines(doc: Document.Parsed, lines: LineCounter): number[] {
  const found: number[] = [];
  for (const list of ['initContainers', 'containers']) {
    const seq = doc.getIn(['spec', list], true) as { items?: unknown[] } | undefined;
    for (const item of seq?.items ?? []) {
      if (!isMap(item)) continue;
      const pair = item.items.find((p) => (p.key as { value?: unknown }).value === 'image');
      const offset = (pair?.key as { range?: [number] } | undefined)?.range?.[0];
      if (offset !== undefined) found.push(lines.linePos(offset).line);
    }
  }
  return found;
}

describe('parseDocuments against the yaml package', () => {
  for (const [style, write] of Object.entries(STYLES)) {
    it(`reads ${style} manifests to the same values and image lines`, () => {
      fc.assert(
        fc.property(fc.array(manifest, { minLength: 1, maxLength: 3 }), (manifests) => {
          const stream = manifests.map((m, i) => `# document ${i}\n${write(m)}\n`).join('---\n');
          const lines = new LineCounter();
          const oracle = parseAllDocuments(stream, { lineCounter: lines, uniqueKeys: true });
          if (!Array.isArray(oracle)) throw new Error('oracle found no documents');
          // yaml's flow writer can emit text yaml itself refuses (a `:` opening a plain scalar).
          fc.pre(oracle.every((doc) => doc.errors.length === 0));
          const { documents, problems } = parseDocuments('m.yaml', stream);
          expect(problems).toEqual([]);
          expect(documents.map((d) => d.value)).toEqual(oracle.map((d) => d.toJS()));
          documents.forEach((doc, i) => {
            const value = doc.value as Manifest;
            const pointers = [
              ...value.spec.initContainers.map((_, k) => `/spec/initContainers/${k}/image`),
              ...value.spec.containers.map((_, k) => `/spec/containers/${k}/image`),
            ];
            expect(pointers.map((p) => doc.lineOf(p))).toEqual(
              oracleImageLines(oracle[i] as Document.Parsed, lines),
            );
          });
        }),
        { numRuns: 300 },
      );
    });
  }
});
