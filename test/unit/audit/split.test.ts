import { describe, expect, it } from '@jest/globals';
import { splitDocuments } from '../../../src/audit/split.js';

const summary = (text: string): [number, number, string][] =>
  splitDocuments(text).map((doc) => [doc.index, doc.firstLine, doc.text]);

describe('splitDocuments', () => {
  it('cuts at --- lines, counting empty documents, leading comments joining the first', () => {
    expect(summary('# head\n---\na: 1\n---\n# only a comment\n---\nb: 2\n')).toEqual([
      [1, 0, '# head\n---\na: 1\n'],
      [2, 3, '---\n# only a comment\n'],
      [3, 5, '---\nb: 2\n'],
    ]);
  });

  it('keeps a bare first document and a trailing empty one', () => {
    expect(summary('a: 1\n---\n')).toEqual([
      [1, 0, 'a: 1\n'],
      [2, 1, '---\n'],
    ]);
  });

  it('ends a document at ..., where a bare document may follow', () => {
    expect(summary('a: 1\n...\n# gap\nb: 2\n...\n---\nc: 3')).toEqual([
      [1, 0, 'a: 1\n...\n'],
      [2, 2, '# gap\nb: 2\n...\n'],
      [3, 5, '---\nc: 3'],
    ]);
  });

  it('keeps directives with the document they introduce', () => {
    expect(summary('%YAML 1.2\n---\na: 1\n')).toEqual([[1, 0, '%YAML 1.2\n---\na: 1\n']]);
  });

  it('takes markers only at the start of a line and followed by a blank', () => {
    const text = 'a: |\n  ---\n  x\nb: ---\n---x: 1\n--- # c\nd: 1\n---\r\ne: 1\n';
    expect(summary(text)).toEqual([
      [1, 0, 'a: |\n  ---\n  x\nb: ---\n---x: 1\n'],
      [2, 5, '--- # c\nd: 1\n'],
      [3, 7, '---\r\ne: 1\n'],
    ]);
  });

  it('finds nothing in an empty or comment-only stream', () => {
    expect(splitDocuments('')).toEqual([]);
    expect(splitDocuments('# nothing\n\n')).toEqual([]);
  });
});
