// Splits one input text into documents (multi-document YAML as `helm template` and `kustomize
// build` write it, and JSON, which is YAML too) and reads each with js-yaml, recording the line
// of every mapping key so findings can point at a container's `image:` line. js-yaml is about ten
// times faster than the `yaml` package's document model; a document it refuses is read again with
// `yaml` (yaml-reader.ts), which explains the error or, for what it accepts, reads it as before.

import { CORE_SCHEMA, load } from 'js-yaml';
import { isObject } from '../workload/walker.js';
import type { InputProblem } from './inputs.js';
import { KeyLineRecorder, type KeyLines } from './key-lines.js';
import { splitDocuments } from './split.js';
import { readWithYaml, type YamlReading } from './yaml-reader.js';

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

// js-yaml shares an aliased node instead of copying it, so anchors cost nothing to read, but code
// that walks the value walks every copy (billion laughs): a document using aliases must stay small
// once expanded.
export const MAX_EXPANDED_NODES = 100_000;

export function parseDocuments(source: string, text: string): ParsedText {
  const documents: ParsedDocument[] = [];
  const problems = eachDocument(source, text, (doc) => documents.push(doc));
  return { documents, problems };
}

/**
 * Hands each document to `onDocument` as soon as it is read, so that what is only needed to
 * classify it (its key lines) can be dropped young; returns the broken documents.
 */
export function eachDocument(
  source: string,
  text: string,
  onDocument: (doc: ParsedDocument) => void,
): InputProblem[] {
  const problems: InputProblem[] = [];
  const stream = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (const part of splitDocuments(stream)) {
    const reading = readFast(part.text) ?? readWithYaml(part.text);
    if (!reading.ok) {
      problems.push({
        source,
        document: part.index,
        line: part.firstLine + 1 + reading.line,
        message: reading.message,
      });
      continue;
    }
    const { value } = reading;
    // A document of only comments (between `---` separators) holds nothing to audit.
    if (value === null || value === undefined) continue;
    const start = part.firstLine + 1 + (reading.lineAt([]) ?? contentLine(part.text));
    if (part.text.includes('*') && expandsBeyond(value, MAX_EXPANDED_NODES)) {
      const message = `aliases expand to more than ${MAX_EXPANDED_NODES} nodes`;
      problems.push({ source, document: part.index, line: start, message });
      continue;
    }
    onDocument({
      source,
      index: part.index,
      line: start,
      value,
      lineOf: (pointer) => {
        const line = reading.lineAt(pointerTokens(pointer));
        return line === undefined ? start : part.firstLine + 1 + line;
      },
    });
  }
  return problems;
}

/** js-yaml's reading, or undefined when it refuses the document. */
function readFast(text: string): YamlReading | undefined {
  const recorder = new KeyLineRecorder();
  try {
    const value: unknown = load(text, { schema: CORE_SCHEMA, listener: recorder.listener });
    return { ok: true, value, lineAt: (tokens) => lineAt(value, recorder.lines, tokens) };
  } catch {
    return undefined;
  }
}

function pointerTokens(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((token) => (token.includes('~') ? token.replace(/~1/g, '/').replace(/~0/g, '~') : token));
}

/** 0-based line of the node at the path within its document, or of its nearest parent. */
function lineAt(value: unknown, lines: KeyLines, tokens: readonly string[]): number | undefined {
  let node = value;
  let found = firstKeyLine(node, lines);
  for (const key of tokens) {
    let next: unknown;
    let at: number | undefined;
    if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(key)) {
      next = node[Number(key)];
      at = firstKeyLine(next, lines);
    } else if (isObject(node) && Object.hasOwn(node, key)) {
      next = node[key];
      at = lines.get(node)?.get(key);
    }
    if (at === undefined) break;
    found = at;
    node = next;
  }
  return found;
}

function firstKeyLine(node: unknown, lines: KeyLines): number | undefined {
  if (!isObject(node)) return undefined;
  return lines.get(node)?.values().next().value;
}

/** 0-based line of the first content in a document's text (past `---`, comments, directives). */
function contentLine(text: string): number {
  const match = /^(?!%|---|\.\.\.)[ \t]*[^\s#]/m.exec(text);
  return match ? text.slice(0, match.index).split('\n').length - 1 : 0;
}

function expandsBeyond(value: unknown, limit: number): boolean {
  const pending: unknown[] = [value];
  for (let count = 1; pending.length > 0; count += 1) {
    if (count > limit) return true;
    const node = pending.pop();
    if (typeof node === 'object' && node !== null)
      for (const child of Object.values(node)) pending.push(child);
  }
  return false;
}
