import { describe, expect, it } from '@jest/globals';
import { parseDocuments } from '../../../src/audit/documents.js';

const HELM_OUTPUT = `---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          image: registry.example/app:1.0
---
# Source: web/templates/empty.yaml
---
apiVersion: v1
kind: Service
metadata:
  name: web
`;

describe('parseDocuments', () => {
  it('splits helm template output, skipping empty documents but counting them in the index', () => {
    const { documents, problems } = parseDocuments('chart.yaml', HELM_OUTPUT);
    expect(problems).toEqual([]);
    expect(documents.map((doc) => [doc.index, doc.line, (doc.value as { kind: string }).kind])).toEqual([
      [1, 3, 'Deployment'],
      [3, 16, 'Service'],
    ]);
  });

  it('gives the line of an image value by JSON Pointer, or of the nearest parent', () => {
    const [deployment] = parseDocuments('chart.yaml', HELM_OUTPUT).documents;
    expect(deployment?.lineOf('/spec/template/spec/containers/0/image')).toBe(12);
    expect(deployment?.lineOf('/spec/template/spec/containers/0/imagePullPolicy')).toBe(11);
    expect(deployment?.lineOf('/spec/nothing/here')).toBe(7);
  });

  it('reads JSON, with lines', () => {
    const json = JSON.stringify(
      { apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ image: 'a' }] } },
      null,
      2,
    );
    const [pod] = parseDocuments('pod.json', json).documents;
    expect(pod?.value).toMatchObject({ kind: 'Pod' });
    expect(pod?.lineOf('/spec/containers/0/image')).toBe(
      json.split('\n').findIndex((l) => l.includes('"image"')) + 1,
    );
  });

  it('reports a broken document with its index and line and still returns the others', () => {
    const text = 'kind: A\napiVersion: v1\n---\nkind: [unclosed\n  x: : y\n---\nkind: C\napiVersion: v1\n';
    const { documents, problems } = parseDocuments('bad.yaml', text);
    expect(documents.map((doc) => (doc.value as { kind: string }).kind)).toEqual(['A', 'C']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ source: 'bad.yaml', document: 2 });
    expect(problems[0]?.line).toBeGreaterThanOrEqual(4);
    expect(problems[0]?.line).toBeLessThanOrEqual(6);
    expect(problems[0]?.message).not.toContain('\n');
  });

  it('refuses duplicate keys, naming the line', () => {
    const { problems } = parseDocuments('dup.yaml', 'kind: Pod\nkind: Deployment\n');
    expect(problems).toEqual([expect.objectContaining({ document: 1, line: 2 })]);
  });

  it('stops alias expansion bombs instead of exhausting memory', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i += 1) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    const { documents, problems } = parseDocuments('bomb.yaml', levels.join('\n'));
    expect(documents).toEqual([]);
    expect(problems).toEqual([expect.objectContaining({ source: 'bomb.yaml', document: 1 })]);
    expect(problems[0]?.message).toMatch(/alias/);
  });

  it('returns nothing for an input of only comments', () => {
    expect(parseDocuments('c.yaml', '# nothing\n')).toEqual({ documents: [], problems: [] });
  });
});

describe('parseDocuments, beyond the fast reader', () => {
  it('still reads a document with a tag js-yaml does not know, as the yaml package does', () => {
    const text = 'kind: Pod\nspec:\n  containers:\n    - name: a\n      image: !custom nginx:1\n';
    const { documents, problems } = parseDocuments('tag.yaml', text);
    expect(problems).toEqual([]);
    expect(documents[0]?.value).toEqual({
      kind: 'Pod',
      spec: { containers: [{ name: 'a', image: 'nginx:1' }] },
    });
    expect(documents[0]?.lineOf('/spec/containers/0/image')).toBe(5);
  });

  it('reads small anchors and aliases, copies and all', () => {
    const text = 'base: &c {name: a, image: x}\nlist:\n  - *c\n  - *c\n';
    const [doc] = parseDocuments('alias.yaml', text).documents;
    expect(doc?.value).toEqual({
      base: { name: 'a', image: 'x' },
      list: [
        { name: 'a', image: 'x' },
        { name: 'a', image: 'x' },
      ],
    });
    expect(doc?.lineOf('/list/1/image')).toBe(1);
  });

  it('refuses duplicate keys in JSON too', () => {
    const { documents, problems } = parseDocuments('dup.json', '{\n  "kind": "Pod",\n  "kind": "Job"\n}\n');
    expect(documents).toEqual([]);
    expect(problems).toEqual([expect.objectContaining({ document: 1, line: 3 })]);
  });

  it('counts lines past a byte-order mark and CRLF line ends', () => {
    const text = '\uFEFFa: 1\r\n---\r\nkind: Pod\r\nimage: x\r\n';
    const { documents } = parseDocuments('crlf.yaml', text);
    expect(documents.map((doc) => [doc.index, doc.line, doc.lineOf('/image')])).toEqual([
      [1, 1, 1],
      [2, 3, 4],
    ]);
  });

  it('names the document and line of a problem after an empty document', () => {
    const text = 'a: 1\n---\n# empty\n---\nb: [\n';
    expect(parseDocuments('x.yaml', text).problems).toEqual([
      expect.objectContaining({ source: 'x.yaml', document: 3, line: 5 }),
    ]);
  });
});
