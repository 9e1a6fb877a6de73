// The existing tag nearest to the one asked for: the longest common prefix wins (2.1 -> 2.0.3
// rather than 12.1), then the smallest edit distance, then the later tag in sort order.

export function nearestTag(wanted: string, tags: readonly string[]): string | undefined {
  let best: { tag: string; prefix: number; distance: number } | undefined;
  for (const tag of tags.slice(0, 10_000)) {
    if (tag === wanted || tag.length > 128) continue;
    const prefix = commonPrefix(wanted, tag);
    const distance = editDistance(wanted, tag);
    if (
      !best ||
      prefix > best.prefix ||
      (prefix === best.prefix && distance < best.distance) ||
      (prefix === best.prefix && distance === best.distance && tag > best.tag)
    ) {
      best = { tag, prefix, distance };
    }
  }
  return best?.tag;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
