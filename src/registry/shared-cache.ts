// A bounded LRU of answers with per-entry expiry on an injected clock, plus coalescing: callers
// asking for a key whose answer is being fetched share that one fetch instead of starting another.

import { LRUCache } from 'lru-cache';

interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
}

export type CacheSource = 'hit' | 'miss' | 'coalesced';

export class SharedCache<V extends object> {
  private readonly entries: LRUCache<string, Entry<V>>;
  private readonly inflight = new Map<string, Promise<V>>();

  constructor(
    max: number,
    private readonly now: () => number,
  ) {
    this.entries = new LRUCache({ max });
  }

  /** `load` returns the value and how long it may be served (0: not cached). */
  async get(
    key: string,
    load: () => Promise<{ value: V; ttlMs: number }>,
  ): Promise<{ value: V; source: CacheSource }> {
    const cached = this.peek(key);
    if (cached) return { value: cached, source: 'hit' };
    const running = this.inflight.get(key);
    if (running) return { value: await running, source: 'coalesced' };
    const promise = load().then(({ value, ttlMs }) => {
      if (ttlMs > 0) this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
      return value;
    });
    this.inflight.set(key, promise);
    try {
      return { value: await promise, source: 'miss' };
    } finally {
      this.inflight.delete(key);
    }
  }

  peek(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
