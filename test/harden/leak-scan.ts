// Looks for secrets in outputs: each marker as written, base64 (alone and as `user:password`, as
// an Authorization header carries it), base64url, URL-encoded and JSON-escaped; and any JWT.

export interface Marker {
  readonly username: string;
  readonly password: string;
}

/** Every spelling under which a marker could leak; tokens from the test token server are JWTs. */
export function leakPatterns(markers: readonly Marker[]): string[] {
  const patterns = new Set<string>(['eyJ0eXAiOiJKV1Qi']); // base64url of `{"typ":"JWT"`
  for (const { username, password } of markers) {
    for (const text of [password, `${username}:${password}`]) {
      patterns.add(text);
      patterns.add(Buffer.from(text).toString('base64').replace(/=+$/, ''));
      patterns.add(Buffer.from(text).toString('base64url'));
      patterns.add(encodeURIComponent(text));
      patterns.add(JSON.stringify(text).slice(1, -1));
    }
  }
  patterns.delete(`${markers[0]?.username ?? ''}`);
  return [...patterns].filter((p) => p.length >= 8);
}

export interface ScanResult {
  bytes: number;
  readonly hits: string[];
}

export function scanner(patterns: readonly string[]) {
  const result: ScanResult = { bytes: 0, hits: [] };
  return {
    result,
    scan(source: string, text: string): void {
      result.bytes += Buffer.byteLength(text);
      for (const pattern of patterns)
        if (text.includes(pattern)) result.hits.push(`${source}: ${pattern.slice(0, 4)}...`);
    },
  };
}
