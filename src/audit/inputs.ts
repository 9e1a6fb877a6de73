// Turns the `-f` arguments into named texts: files, directories (recursive, manifest extensions
// only, sorted so output is the same on every machine) and `-` for stdin. A path that cannot be
// read becomes a problem naming the path; the other inputs are still read.

import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;
export const STDIN_NAME = '<stdin>';

export interface InputText {
  /** The path as given (joined with the directory walk), or `<stdin>`. */
  readonly name: string;
  readonly text: string;
}

export interface InputProblem {
  readonly source: string;
  /** 1-based index of the document in the file, when the problem is one document. */
  readonly document?: number;
  readonly line?: number;
  readonly message: string;
}

export interface InputSet {
  readonly texts: readonly InputText[];
  readonly problems: readonly InputProblem[];
}

export async function readInputs(
  paths: readonly string[],
  readStdin: () => Promise<string>,
): Promise<InputSet> {
  const texts: InputText[] = [];
  const problems: InputProblem[] = [];
  let stdinRead = false;
  for (const path of paths) {
    if (path === '-') {
      if (stdinRead) continue;
      stdinRead = true;
      try {
        texts.push({ name: STDIN_NAME, text: await readStdin() });
      } catch (error) {
        problems.push({ source: STDIN_NAME, message: `cannot read: ${describeError(error)}` });
      }
      continue;
    }
    await readPath(path, true, texts, problems);
  }
  return { texts, problems };
}

async function readPath(
  path: string,
  explicit: boolean,
  texts: InputText[],
  problems: InputProblem[],
): Promise<void> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      const entries = (await readdir(path, { withFileTypes: true })).map((entry) => entry.name).sort();
      for (const entry of entries) await readPath(join(path, entry), false, texts, problems);
      return;
    }
    // Files named explicitly are read whatever their extension; in directories only manifests are.
    if (!explicit && !MANIFEST_EXTENSIONS.some((ext) => path.toLowerCase().endsWith(ext))) return;
    if (!info.isFile() && !explicit) return;
    texts.push({ name: path, text: await readFile(path, 'utf8') });
  } catch (error) {
    problems.push({ source: path, message: `cannot read: ${describeError(error)}` });
  }
}

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return code ?? (error instanceof Error ? error.message : String(error));
}

/** Reads a whole stream (stdin) as UTF-8. */
export async function readStream(stream: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
