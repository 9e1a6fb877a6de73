// What admission knows of recent failures on a webhook replica: the failures the elected watcher
// published (every replica reads them), plus, on the replica that leads, its own live view, which
// is fresher than the last publication. The more recent entry wins.

import type { RecentFailure } from '../core/facts.js';
import type { FailureHistory } from '../core/gather.js';

export function combinedHistory(...sources: readonly FailureHistory[]): FailureHistory {
  return {
    recent(references) {
      const merged = new Map<string, RecentFailure>();
      for (const source of sources) {
        for (const [reference, failure] of source.recent(references)) {
          const known = merged.get(reference);
          if (!known || Date.parse(failure.lastSeen) > Date.parse(known.lastSeen))
            merged.set(reference, failure);
        }
      }
      return merged;
    },
  };
}
