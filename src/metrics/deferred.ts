// prom-client hashes and validates the label set on every inc() and observe(), on children too.
// On the hot paths (every admission, every cached probe) that was a tenth of the webhook's CPU
// (`npm run bench`), so those paths count into plain per-label-set slots, and prom-client gets
// the totals whenever it is read (its `collect` hook runs before every exposition) or a slot's
// buffer fills. What Prometheus scrapes is exactly what direct calls would have produced.

import { Counter, Histogram, type CounterConfiguration, type HistogramConfiguration } from 'prom-client';

interface Slot {
  readonly labels: Record<string, string>;
  /** Counter increments not yet handed over. */
  pending: number;
  /** Histogram observations not yet handed over. */
  readonly values: number[];
}

/** Observations kept per label set before they are handed over without waiting for a scrape. */
const MAX_BUFFERED_VALUES = 512;

/** Slots by label values (in label-name order), one Map level per label: no key strings built. */
class Slots {
  private readonly root = new Map<string, unknown>();
  private last: { values: readonly string[]; slot: Slot } | undefined;
  readonly all: Slot[] = [];

  constructor(private readonly labelNames: readonly string[]) {}

  get(values: readonly string[]): Slot {
    // Hot paths repeat the same label values call after call (one registry, outcome ok).
    if (this.last && sameValues(this.last.values, values)) return this.last.slot;
    const slot = this.find(values);
    this.last = { values, slot };
    return slot;
  }

  private find(values: readonly string[]): Slot {
    if (values.length !== this.labelNames.length) {
      throw new Error(`expected ${this.labelNames.length} label values, got ${values.length}`);
    }
    let level = this.root;
    for (let i = 0; i < values.length - 1; i++) {
      let next = level.get(values[i] as string) as Map<string, unknown> | undefined;
      if (!next) level.set(values[i] as string, (next = new Map()));
      level = next;
    }
    const last = values.length === 0 ? '' : (values[values.length - 1] as string);
    let slot = level.get(last) as Slot | undefined;
    if (!slot) {
      const labels = Object.fromEntries(this.labelNames.map((name, i) => [name, values[i] as string]));
      slot = { labels, pending: 0, values: [] };
      level.set(last, slot);
      this.all.push(slot);
    }
    return slot;
  }
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface DeferredCounter {
  readonly metric: Counter<string>;
  /** Adds one for the label values, given in `labelNames` order. */
  inc(...labelValues: string[]): void;
}

export function deferredCounter(config: CounterConfiguration<string>): DeferredCounter {
  const slots = new Slots(config.labelNames ?? []);
  const metric: Counter<string> = new Counter({
    ...config,
    collect() {
      for (const slot of slots.all) {
        if (slot.pending === 0) continue;
        metric.inc(slot.labels, slot.pending);
        slot.pending = 0;
      }
    },
  });
  return {
    metric,
    inc(...labelValues) {
      slots.get(labelValues).pending++;
    },
  };
}

export interface DeferredHistogram {
  readonly metric: Histogram<string>;
  /** Records one value for the label values, given in `labelNames` order. */
  observe(value: number, ...labelValues: string[]): void;
}

export function deferredHistogram(config: HistogramConfiguration<string>): DeferredHistogram {
  const slots = new Slots(config.labelNames ?? []);
  const handOver = (slot: Slot): void => {
    for (const value of slot.values) metric.observe(slot.labels, value);
    slot.values.length = 0;
  };
  const metric: Histogram<string> = new Histogram({
    ...config,
    collect() {
      for (const slot of slots.all) handOver(slot);
    },
  });
  return {
    metric,
    observe(value, ...labelValues) {
      // Refused here, where the caller can be found, not later at a scrape.
      if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
      const slot = slots.get(labelValues);
      slot.values.push(value);
      if (slot.values.length >= MAX_BUFFERED_VALUES) handOver(slot);
    },
  };
}
