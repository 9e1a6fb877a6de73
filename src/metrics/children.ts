// prom-client hashes the label object on every inc/observe; on hot paths (every admission, every
// cached probe) the label sets are few and fixed, so each child is looked up once and kept.

import type { Counter, Histogram } from 'prom-client';

type Labels<T extends string> = Partial<Record<T, string>>;

export function counterChildren<T extends string>(
  counter: Counter<T>,
): (labels: Labels<T>) => { inc(): void } {
  const children = new Map<string, { inc(): void }>();
  return (labels) => {
    const key = JSON.stringify(labels);
    let child = children.get(key);
    if (!child) children.set(key, (child = counter.labels(labels)));
    return child;
  };
}

export function histogramChildren<T extends string>(
  histogram: Histogram<T>,
): (labels: Labels<T>) => { observe(value: number): void } {
  const children = new Map<string, { observe(value: number): void }>();
  return (labels) => {
    const key = JSON.stringify(labels);
    let child = children.get(key);
    if (!child) children.set(key, (child = histogram.labels(labels)));
    return child;
  };
}
