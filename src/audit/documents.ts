// Splits one input text into documents: multi-document YAML (helm template / kustomize build
// output with comments, `---` separators and empty documents) and JSON, which YAML 1.2 reads too.
// Source ranges are kept so findings can point at the line of a container's `image:` value.

import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { InputProblem } from './inputs.js';

export interface ParsedDocument {
  readonly source: string;
  /** 1-based position of the document in its file. */
  readonly index: number;
  /** Line where the document's content starts. */
  readonly line: number;
  readonly value: unknown;
  /** Line of the node at a JSON Pointer, or of its nearest existing parent. */
  lineOf(pointer: string): number;
}

export interface ParsedText {
  readonly documents: readonly ParsedDocument[];
  readonly problems: readonly InputProblem[];
}

// Anchors and aliases multiplied out can exhaust memory (billion laughs); yaml counts them for us.
const MAX_ALIAS_COUNT = 1000;

export function parseDocuments(source: string, text: string): ParsedText {
  const lineCounter = new LineCounter();
  const documents: ParsedDocument[] = [];
  const problems: InputProblem[] = [];
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const line = (offset: number): number => lineCounter.linePos(offset).line;
  // An input with no document at all (only comments) comes back as an EmptyStream with its own errors.
  if ('empty' in parsed) {
    for (const error of parsed.errors)
      problems.push({ source, line: line(error.pos[0]), message: firstLine(error.message) });
  }
  parsed.forEach((doc, position) => {
    const index = position + 1;
    const error = doc.errors[0];
    if (error) {
      problems.push({ source, document: index, line: line(error.pos[0]), message: firstLine(error.message) });
      return;
    }
    if (doc.contents === null) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (thrown) {
      const message = thrown instanceof Error ? thrown.message : String(thrown);
      problems.push({
        source,
        document: index,
        line: line(doc.contents.range[0]),
        message: firstLine(message),
      });
      return;
    }
    const start = line(doc.contents.range[0]);
    documents.push({
      source,
      index,
      line: start,
      value,
      lineOf: (pointer) => lineAt(doc, pointer, line) ?? start,
    });
  });
  return { documents, problems };
}

function lineAt(doc: Document.Parsed, pointer: string, line: (offset: number) => number): number | undefined {
  const path = pointer
    .split('/')
    .slice(1)
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((token) => (/^(0|[1-9][0-9]*)$/.test(token) ? Number(token) : token));
  for (let length = path.length; length >= 0; length -= 1) {
    const node: unknown = length === 0 ? doc.contents : doc.getIn(path.slice(0, length), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return line(range[0]);
  }
  return undefined;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).trim();
}
