import { describe, expect, it } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readInputs, readStream } from '../../../src/audit/inputs.js';

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'pullguard-inputs-'));
  mkdirSync(join(root, 'b', 'nested'), { recursive: true });
  writeFileSync(join(root, 'z.yaml'), 'z');
  writeFileSync(join(root, 'a.json'), 'a');
  writeFileSync(join(root, 'b', 'nested', 'c.yml'), 'c');
  writeFileSync(join(root, 'b', 'README.md'), 'not a manifest');
  writeFileSync(join(root, 'b', 'D.YAML'), 'd');
  return root;
}

const noStdin = (): Promise<string> => Promise.reject(new Error('stdin not expected'));

describe('readInputs', () => {
  it('walks directories recursively in sorted order, manifests only', async () => {
    const root = tree();
    const { texts, problems } = await readInputs([root], noStdin);
    expect(problems).toEqual([]);
    expect(texts.map((t) => t.name.slice(root.length + 1))).toEqual([
      'a.json',
      'b/D.YAML',
      'b/nested/c.yml',
      'z.yaml',
    ]);
    expect(texts.map((t) => t.text)).toEqual(['a', 'd', 'c', 'z']);
  });

  it('reads a file named explicitly whatever its extension', async () => {
    const root = tree();
    const { texts } = await readInputs([join(root, 'b', 'README.md')], noStdin);
    expect(texts.map((t) => t.text)).toEqual(['not a manifest']);
  });

  it('reads stdin once for -', async () => {
    let reads = 0;
    const { texts } = await readInputs(['-', '-'], () => {
      reads += 1;
      return Promise.resolve('kind: Pod');
    });
    expect(reads).toBe(1);
    expect(texts).toEqual([{ name: '<stdin>', text: 'kind: Pod' }]);
  });

  it('names a missing or unreadable path and still reads the others', async () => {
    const root = tree();
    const locked = join(root, 'locked.yaml');
    writeFileSync(locked, 'x');
    chmodSync(locked, 0o000);
    const canRead = process.getuid?.() !== 0;
    const { texts, problems } = await readInputs(
      [join(root, 'missing.yaml'), locked, join(root, 'z.yaml')],
      noStdin,
    );
    expect(problems[0]).toEqual({
      source: join(root, 'missing.yaml'),
      message: 'cannot read: no such file or directory',
    });
    if (canRead) expect(problems[1]).toEqual({ source: locked, message: 'cannot read: permission denied' });
    expect(texts.map((t) => t.text)).toContain('z');
  });

  it('collects a stream as UTF-8', async () => {
    expect(await readStream(Readable.from([Buffer.from('ä'.slice(0, 1)), 'b']))).toBe('äb');
  });
});
