// No Dockerfile linter installs from the package registries this project uses (hadolint is a
// Haskell binary), so the rules that matter here are checked on the parsed instructions.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';

interface Instruction {
  readonly op: string;
  readonly args: string;
}

function parse(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

const instructions = parse(readFileSync('Dockerfile', 'utf8'));
const stages = instructions.reduce<Instruction[][]>((list, instruction) => {
  if (instruction.op === 'FROM') list.push([]);
  list.at(-1)?.push(instruction);
  return list;
}, []);
const final = stages.at(-1) ?? [];

describe('Dockerfile', () => {
  it('is multi-stage, on a pinned current Node LTS image (no latest, no untagged base)', () => {
    const bases = instructions.filter((i) => i.op === 'FROM').map((i) => i.args.split(/\s+/)[0] ?? '');
    expect(bases.length).toBeGreaterThanOrEqual(2);
    for (const base of bases) {
      expect(base).toMatch(/^node:(22|24)\.\d+[-.\w]*$/);
      expect(base).not.toMatch(/:latest/);
    }
  });

  it('builds with npm ci and installs production dependencies only for the runtime', () => {
    const runs = instructions.filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(runs.some((run) => /npm ci\b/.test(run) && /npm run build/.test(runs.join(' ')))).toBe(true);
    expect(runs.some((run) => /npm ci\b.*--omit=dev/.test(run))).toBe(true);
    expect(runs.some((run) => /npm install\b/.test(run))).toBe(false);
    const copied = final.filter((i) => i.op === 'COPY').map((i) => i.args);
    expect(copied.some((args) => /node_modules/.test(args) && /--from=deps/.test(args))).toBe(true);
    expect(copied.some((args) => /--from=builder/.test(args))).toBe(true);
  });

  it('runs as a numeric non-root user in the final stage', () => {
    const users = final.filter((i) => i.op === 'USER').map((i) => i.args);
    expect(users).toHaveLength(1);
    const [uid] = (users[0] ?? '').split(':');
    expect(Number(uid)).toBeGreaterThan(0);
    expect(final.findIndex((i) => i.op === 'USER')).toBeLessThan(
      final.findIndex((i) => i.op === 'ENTRYPOINT'),
    );
  });

  it('starts node dist/cli.js in exec form (node is PID 1 and gets SIGTERM) with serve as the command', () => {
    const entry = final.find((i) => i.op === 'ENTRYPOINT');
    expect(JSON.parse(entry?.args ?? 'null')).toEqual(['node', 'dist/cli.js']);
    const cmd = JSON.parse(final.find((i) => i.op === 'CMD')?.args ?? '[]') as string[];
    expect(cmd[0]).toBe('serve');
  });

  it('uses WORKDIR and COPY, never cd or ADD', () => {
    expect(instructions.some((i) => i.op === 'ADD')).toBe(false);
    expect(instructions.filter((i) => i.op === 'RUN').some((i) => /(^|&&\s*)cd\s/.test(i.args))).toBe(false);
    for (const stage of stages) expect(stage.some((i) => i.op === 'WORKDIR')).toBe(true);
  });

  it('keeps sources and local builds out of the context', () => {
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n');
    for (const entry of ['node_modules', 'dist', '.git']) expect(ignored).toContain(entry);
  });
});
