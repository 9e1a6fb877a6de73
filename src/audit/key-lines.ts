// Records, while js-yaml builds a document, the line of every mapping key, so that a finding can
// point at the line where its `image:` is written. js-yaml tells a listener each time it opens and
// closes a node; a scalar followed by `:` is a key, and the keys closed one level below a mapping
// are that mapping's own.

import type { EventType, State } from 'js-yaml';

/** For each mapping object of a document: its keys and the 0-based line each is written on. */
export type KeyLines = ReadonlyMap<object, ReadonlyMap<string, number>>;

export class KeyLineRecorder {
  readonly lines = new Map<object, Map<string, number>>();
  // Keys not yet claimed by their mapping, as three parallel stacks of `pending` entries (reused,
  // not truncated: this runs for every node of every document).
  private readonly depths: number[] = [];
  private readonly keys: string[] = [];
  private readonly keyLines: number[] = [];
  private pending = 0;
  private depth = 0;

  readonly listener = (event: EventType, state: State): void => {
    if (event === 'open') {
      this.depth += 1;
      return;
    }
    const depth = this.depth;
    this.depth -= 1;
    if (state.kind === 'scalar') {
      if (followedByColon(state)) {
        this.depths[this.pending] = depth;
        this.keys[this.pending] = String(state.result);
        this.keyLines[this.pending] = state.line;
        this.pending += 1;
      }
    } else if (state.kind === 'mapping' && typeof state.result === 'object' && state.result !== null) {
      // A flow mapping is closed twice when js-yaml first tried it as a block mapping's key: the
      // inner close holds its keys.
      const own = this.claim(depth);
      if (!this.lines.has(state.result as object)) this.lines.set(state.result as object, own);
    }
  };

  /** Takes the pending keys written inside the mapping closing at `depth`. */
  private claim(depth: number): Map<string, number> {
    const own = new Map<string, number>();
    let from = this.pending;
    while (from > 0 && (this.depths[from - 1] as number) > depth) from -= 1;
    for (let at = from; at < this.pending; at += 1) {
      if (this.depths[at] === depth + 1) own.set(this.keys[at] as string, this.keyLines[at] as number);
    }
    this.pending = from;
    return own;
  }
}

function followedByColon(state: State): boolean {
  const { input } = state;
  let at = state.position;
  while (input.charCodeAt(at) === 0x20 || input.charCodeAt(at) === 0x09) at += 1;
  return input.charCodeAt(at) === 0x3a;
}
