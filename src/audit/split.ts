// Cuts a multi-document YAML stream into one text per document, so that one broken document
// cannot hide the others and each is parsed on its own. YAML 1.2 forbids `---` and `...` at the
// start of a line inside any scalar, so such a line always ends a document: a scan finds them
// without parsing.

export interface DocumentText {
  /** 1-based position in the stream; documents of only comments count too. */
  readonly index: number;
  /** 0-based line of the stream on which the document's text starts. */
  readonly firstLine: number;
  readonly text: string;
}

// `---` or `...` at the start of the stream or of a line, followed by a blank or the end.
const MARKER = /(?<![^\n])(?:---|\.\.\.)(?![^ \t\r\n])/g;
// A line that is not blank, not a comment and not a directive (`%YAML`, `%TAG`).
const CONTENT_LINE = /^(?!%)[ \t]*[^\s#]/m;

export function splitDocuments(stream: string): DocumentText[] {
  const documents: DocumentText[] = [];
  let start = 0;
  let line = 0;
  // A document opened by `---` counts even when empty; text before the first `---` (or after
  // `...`) counts only when it holds content, otherwise its comments and directives lead into
  // the next document.
  let opened = false;
  const close = (end: number): void => {
    const text = stream.slice(start, end);
    documents.push({ index: documents.length + 1, firstLine: line, text });
    line += countNewlines(stream, start, end);
    start = end;
  };
  for (const match of stream.matchAll(MARKER)) {
    const at = match.index;
    if (match[0] === '---') {
      if (opened || CONTENT_LINE.test(stream.slice(start, at))) close(at);
      opened = true;
    } else {
      const lineEnd = stream.indexOf('\n', at);
      const end = lineEnd === -1 ? stream.length : lineEnd + 1;
      if (opened || CONTENT_LINE.test(stream.slice(start, at))) close(end);
      else {
        line += countNewlines(stream, start, end);
        start = end;
      }
      opened = false;
    }
  }
  if (opened || CONTENT_LINE.test(stream.slice(start))) close(stream.length);
  return documents;
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) count += 1;
  return count;
}
