// Go's path/filepath.Match on Linux, which the kubelet applies to each host label of a
// credential key: `*`, `?`, `[a-z]`, `[^a-z]` (only `^` negates) and `\` escapes. A malformed
// pattern is an error in Go, and the keyring treats an error as "no match".

/** filepath.Match(pattern, name); false for malformed patterns. */
export function goGlobMatch(pattern: string, name: string): boolean {
  if (!wellFormed(pattern)) return false;
  return matchFrom([...pattern], 0, [...name], 0);
}

function matchFrom(p: string[], pi: number, s: string[], si: number): boolean {
  while (pi < p.length) {
    const char = p[pi];
    if (char === '*') {
      while (p[pi] === '*') pi++;
      if (pi === p.length) return !s.slice(si).includes('/');
      for (let k = si; k <= s.length; k++) {
        if (k > si && s[k - 1] === '/') return false;
        if (matchFrom(p, pi, s, k)) return true;
      }
      return false;
    }
    if (si >= s.length) return false;
    const c = s[si] ?? '';
    if (char === '?') {
      if (c === '/') return false;
      pi++;
    } else if (char === '[') {
      const cls = readClass(p, pi + 1);
      if (!cls || c === '/' || cls.matches(c) === cls.negated) return false;
      pi = cls.next;
    } else {
      let literal = char;
      if (char === '\\') {
        pi++;
        literal = p[pi];
      }
      if (literal !== c) return false;
      pi++;
    }
    si++;
  }
  return si === s.length;
}

interface CharClass {
  readonly negated: boolean;
  readonly next: number;
  matches(c: string): boolean;
}

function readClass(p: string[], start: number): CharClass | undefined {
  let i = start;
  const negated = p[i] === '^';
  if (negated) i++;
  const ranges: [string, string][] = [];
  for (;;) {
    if (i >= p.length) return undefined;
    if (p[i] === ']' && ranges.length > 0) {
      i++;
      break;
    }
    const lo = readEscaped(p, i);
    if (!lo) return undefined;
    i = lo.next;
    let hi = lo.char;
    if (p[i] === '-') {
      const upper = readEscaped(p, i + 1);
      if (!upper) return undefined;
      hi = upper.char;
      i = upper.next;
    }
    ranges.push([lo.char, hi]);
  }
  return {
    negated,
    next: i,
    matches: (c) =>
      ranges.some(
        ([lo, hi]) =>
          (lo.codePointAt(0) ?? 0) <= (c.codePointAt(0) ?? 0) &&
          (c.codePointAt(0) ?? 0) <= (hi.codePointAt(0) ?? 0),
      ),
  };
}

/** getEsc: `-` and `]` must be escaped inside a class. */
function readEscaped(p: string[], i: number): { char: string; next: number } | undefined {
  let char = p[i];
  if (char === undefined || char === '-' || char === ']') return undefined;
  if (char === '\\') {
    i++;
    char = p[i];
    if (char === undefined) return undefined;
  }
  return { char, next: i + 1 };
}

/** Go reports ErrBadPattern for an unterminated class or a trailing `\`, even when the name differs. */
function wellFormed(pattern: string): boolean {
  const p = [...pattern];
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '\\') {
      if (i + 1 >= p.length) return false;
      i++;
    } else if (p[i] === '[') {
      const cls = readClass(p, i + 1);
      if (!cls) return false;
      i = cls.next - 1;
    }
  }
  return true;
}
