// Splits one input text into documents: multi-document YAML (helm template / kustomize build
// output with comments, `---` separators and empty documents) and JSON, which YAML 1.2 reads too.
// Source ranges are kept so findings can point at the line of a container's `image:` value.

import { isMap, isNode, isScalar, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
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
  // Errors found at the end of input (an unclosed bracket) point at the last written line, not past it.
  const lastOffset = Math.max(0, text.trimEnd().length - 1);
  const line = (offset: number): number => lineCounter.linePos(Math.min(offset, lastOffset)).line;
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
    // A document of only comments (between `---` separators) holds a null scalar: nothing to audit.
    if (value === null || value === undefined) return;
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

/** Walks the node tree; for a map entry the key's line counts (where `image:` is written). */
function lineAt(doc: Document.Parsed, pointer: string, line: (offset: number) => number): number | undefined {
  const tokens = pointer
    .split('/')
    .slice(1)
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = doc.contents;
  let found = rangeStart(node);
  for (const token of tokens) {
    let next: unknown;
    let at: number | undefined;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === token);
      next = pair?.value;
      at = rangeStart(pair?.key) ?? rangeStart(next);
    } else if (isSeq(node) && /^(0|[1-9][0-9]*)$/.test(token)) {
      next = node.items[Number(token)];
      at = rangeStart(next);
    }
    if (at === undefined) break;
    found = at;
    node = next;
  }
  return found === undefined ? undefined : line(found);
}

function rangeStart(node: unknown): number | undefined {
  return isNode(node) ? node.range?.[0] : undefined;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).trim();
}
