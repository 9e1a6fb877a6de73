import { describe, expect, it } from '@jest/globals';
import { Counter, Histogram, Registry } from 'prom-client';
import { deferredCounter, deferredHistogram } from '../../../src/metrics/deferred.js';

/** The same calls made on a deferred metric and on prom-client directly expose the same series. */
const series = async (registry: Registry) => (await registry.metrics()).split('\n').sort();

describe('deferred metrics', () => {
  it('a counter exposes exactly what direct increments would', async () => {
    const direct = new Registry();
    const deferred = new Registry();
    const plain = new Counter({ name: 'c_total', help: 'h', labelNames: ['a', 'b'], registers: [direct] });
    const fast = deferredCounter({
      name: 'c_total',
      help: 'h',
      labelNames: ['a', 'b'],
      registers: [deferred],
    });
    const calls: [string, string][] = [
      ['x', 'y'],
      ['x', 'z'],
      ['x', 'y'],
      ['w', 'y'],
    ];
    for (const [a, b] of calls) {
      plain.inc({ a, b });
      fast.inc(a, b);
    }
    expect(await deferred.metrics()).toBe(await direct.metrics());
    // Increments after a scrape are added to what was handed over, not counted twice.
    plain.inc({ a: 'x', b: 'y' });
    fast.inc('x', 'y');
    expect(await deferred.metrics()).toBe(await direct.metrics());
  });

  it('a histogram exposes exactly what direct observations would, across its buffer size', async () => {
    const direct = new Registry();
    const deferred = new Registry();
    const config = { name: 'h_seconds', help: 'h', labelNames: ['e'], buckets: [0.01, 0.1, 1] };
    const plain = new Histogram({ ...config, registers: [direct] });
    const fast = deferredHistogram({ ...config, registers: [deferred] });
    for (let i = 0; i < 1500; i++) {
      const value = (i % 17) / 10;
      const label = i % 3 === 0 ? 'a' : 'b';
      plain.observe({ e: label }, value);
      fast.observe(value, label);
    }
    // A label set whose buffer filled first is handed over first: same series, maybe another order.
    expect(await series(deferred)).toEqual(await series(direct));
  });

  it('refuses a wrong number of label values and a non-finite value where they are given', () => {
    const registry = new Registry();
    const counter = deferredCounter({ name: 'x_total', help: 'h', labelNames: ['a'], registers: [registry] });
    const histogram = deferredHistogram({ name: 'y', help: 'h', labelNames: ['a'], registers: [registry] });
    expect(() => counter.inc('a', 'b')).toThrow(/expected 1 label values, got 2/);
    expect(() => histogram.observe(Number.NaN, 'a')).toThrow(/not a finite number/);
  });
});
