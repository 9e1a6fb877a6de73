// Figures of the hardening tests: each item writes one JSON file under .harden/figures, which
// test/harden/report.mjs turns into .harden/report.md. HARDEN_FULL=1 (npm run harden) selects
// the long versions; `npm test` runs the short ones and still records their figures.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export const FULL = process.env.HARDEN_FULL === '1';

export interface Figure {
  /** `1-fuzz`, `2-faults`, ...: the file name and the order in the report. */
  readonly item: string;
  readonly title: string;
  readonly pass: boolean;
  /** Markdown table rows, the first one the header. */
  readonly table: ReadonlyArray<ReadonlyArray<string | number>>;
  readonly notes?: readonly string[];
  /** The item could not run here (e.g. no testbed); reported as SKIPPED, not as a failure. */
  readonly skipped?: boolean;
}

export function recordFigure(figure: Figure): void {
  const dir = join(process.cwd(), '.harden', 'figures');
  mkdirSync(dir, { recursive: true });
  const record = {
    ...figure,
    full: FULL,
    date: new Date().toISOString(),
    machine: `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown cpu'}, Node ${process.version}`,
  };
  writeFileSync(join(dir, `${figure.item}.json`), `${JSON.stringify(record, null, 2)}\n`);
}

/** Counts of values by label, in first-seen order. */
export class Tally {
  private readonly counts = new Map<string, number>();
  add(label: string, n = 1): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + n);
  }
  get(label: string): number {
    return this.counts.get(label) ?? 0;
  }
  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }
  rows(): Array<[string, number]> {
    return [...this.counts];
  }
}

/** Heap in use after a full collection (gc exposed at run time), so growth is not garbage. */
export function settledHeap(): number {
  collect();
  return process.memoryUsage().heapUsed;
}

let gc: (() => void) | undefined;
function collect(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
