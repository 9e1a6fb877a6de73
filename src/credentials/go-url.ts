// The parts of Go's net/url.Parse and net.SplitHostPort the kubelet's keyring relies on. The
// WHATWG URL parser differs in ways that change matches (it lowercases hosts, drops :443, rejects
// `[` in host names, treats `\` as `/`), so the keyring uses this transcription instead.

export interface GoUrl {
  /** Host as Go keeps it: case preserved, port included. */
  readonly host: string;
  /** Unescaped path. */
  readonly path: string;
}

/** url.Parse(raw) for an absolute `scheme://authority/path` URL; undefined where Go returns an error. */
export function parseGoUrl(raw: string): GoUrl | undefined {
  if ([...raw].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return undefined; // Go: invalid control character in URL
  const hash = raw.indexOf('#');
  const withoutFragment = hash === -1 ? raw : raw.slice(0, hash);
  if (hash !== -1 && unescape(raw.slice(hash + 1), 'fragment') === undefined) return undefined;
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.exec(withoutFragment);
  if (!scheme) return undefined;
  let rest = withoutFragment.slice(scheme[0].length);
  const query = rest.indexOf('?');
  if (query !== -1) rest = rest.slice(0, query);
  if (!rest.startsWith('//')) return undefined; // keys are always given a scheme and `//`
  rest = rest.slice(2);
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const rawPath = slash === -1 ? '' : rest.slice(slash);
  const at = authority.lastIndexOf('@');
  if (at !== -1 && !/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(authority.slice(0, at))) return undefined;
  const host = parseHost(at === -1 ? authority : authority.slice(at + 1));
  if (host === undefined) return undefined;
  const path = unescape(rawPath, 'path');
  if (path === undefined) return undefined;
  return { host, path };
}

function parseHost(host: string): string | undefined {
  if (host.startsWith('[')) {
    const end = host.lastIndexOf(']');
    if (end === -1 || !validOptionalPort(host.slice(end + 1))) return undefined;
  } else {
    const colon = host.lastIndexOf(':');
    if (colon !== -1 && !validOptionalPort(host.slice(colon))) return undefined;
  }
  return unescape(host, 'host');
}

function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

/** Bytes Go refuses unescaped in a host (shouldEscape in encodeHost mode). */
const HOST_ALLOWED = /^[A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"]$/;

/** url.unescape: `%XX` must be valid hex; in hosts only `%25` and non-ASCII escapes are allowed. */
function unescape(text: string, mode: 'path' | 'host' | 'fragment'): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (char === '%') {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      const value = parseInt(hex, 16);
      if (mode === 'host' && value < 0x80 && hex !== '25') return undefined;
      bytes.push(value);
      i += 2;
      continue;
    }
    const code = char.charCodeAt(0);
    if (mode === 'host' && code < 0x80 && !HOST_ALLOWED.test(char)) return undefined;
    bytes.push(...Buffer.from(char, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** net.SplitHostPort; on error the kubelet uses the whole host and an empty port. */
export function splitHostPort(hostport: string): { host: string; port: string } {
  const whole = { host: hostport, port: '' };
  const last = hostport.lastIndexOf(':');
  if (last === -1) return whole;
  let host: string;
  let from = 0;
  let to = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end === -1 || end + 1 !== last) return whole;
    host = hostport.slice(1, end);
    from = 1;
    to = end + 1;
  } else {
    host = hostport.slice(0, last);
    if (host.includes(':')) return whole;
  }
  if (hostport.slice(from).includes('[') || hostport.slice(to).includes(']')) return whole;
  return { host, port: hostport.slice(last + 1) };
}
