// What every benchmark returns: a figure, its target, and whether the target was met.

export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target: string;
  readonly pass: boolean;
  readonly detail?: string;
}

export function printResults(
  results: readonly BenchResult[],
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): void {
  for (const result of results) {
    const value = Number.isInteger(result.value) ? String(result.value) : result.value.toFixed(2);
    write(
      `${result.pass ? 'PASS' : 'FAIL'}  ${result.name}: ${value} ${result.unit} (target ${result.target})`,
    );
    if (result.detail) write(`      ${result.detail}`);
  }
}
