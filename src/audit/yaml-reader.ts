// The careful reader for the few documents js-yaml refuses: the `yaml` package gives clearer
// messages and positions, and accepts some documents js-yaml does not (unknown `!tags` it reads
// as plain values), so those are still audited as before.

import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';

export type YamlReading =
  | { readonly ok: true; readonly value: unknown; lineAt(pointer: readonly string[]): number | undefined }
  | { readonly ok: false; readonly line: number; readonly message: string };

// Anchors and aliases multiplied out can exhaust memory (billion laughs); yaml counts them for us.
const MAX_ALIAS_COUNT = 1000;

/** Reads one document's text; lines are 0-based within it. */
export function readWithYaml(text: string): YamlReading {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // Errors at the end of input (an unclosed bracket) point at the last written line, not past it.
  const lastOffset = Math.max(0, text.trimEnd().length - 1);
  const line = (offset: number): number => lineCounter.linePos(Math.min(offset, lastOffset)).line - 1;
  const error = doc.errors[0];
  if (error) return { ok: false, line: line(error.pos[0]), message: firstLine(error.message) };
  try {
    const value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return { ok: true, value, lineAt: (tokens) => lineOfNode(doc, tokens, line) };
  } catch (thrown) {
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    return { ok: false, line: line(doc.contents?.range[0] ?? 0), message: firstLine(message) };
  }
}

/** Walks the node tree; for a map entry the key's line counts (where `image:` is written). */
function lineOfNode(
  doc: Document.Parsed,
  tokens: readonly string[],
  line: (offset: number) => number,
): number | undefined {
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

export function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).trim();
}
