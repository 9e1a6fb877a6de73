// The kubelet's credential keyring (pkg/credentialprovider/keyring.go), so that "which pull secret
// matches this image" is answered exactly as the kubelet answers it. Registry prefixes in the
// configuration are matched the same way.

/** A docker config key reduced as BasicDockerKeyring.Add does: scheme dropped, `/v1/`, `/v2/` folded. */
export function normalizeKey(key: string): string | undefined {
  const withScheme = /^https?:\/\//.test(key) ? key : `https://${key}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  let path = decodePath(url.pathname);
  if (path.startsWith('/v2/') || path.startsWith('/v1/')) path = path.slice(3);
  return path.length > 0 && path !== '/' ? url.host + path : url.host;
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

interface SplitUrl {
  readonly labels: readonly string[];
  readonly port: string;
  readonly path: string;
}

/** Go's url.Parse("https://" + s) then net.SplitHostPort, for a schemeless URL. */
function splitSchemeless(value: string): SplitUrl | undefined {
  const slash = value.indexOf('/');
  const authority = slash === -1 ? value : value.slice(0, slash);
  const path = slash === -1 ? '' : value.slice(slash);
  let host = authority;
  let port = '';
  const ipv6 = /^\[([^\]]*)\](?::(\d*))?$/.exec(authority);
  if (ipv6) {
    host = ipv6[1] ?? '';
    port = ipv6[2] ?? '';
  } else {
    const colon = authority.lastIndexOf(':');
    if (colon !== -1 && authority.indexOf(':') === colon) {
      host = authority.slice(0, colon);
      port = authority.slice(colon + 1);
    }
  }
  return { labels: host.split('.'), port, path };
}

const globCache = new Map<string, RegExp>();

/** filepath.Match for one host label: `*`, `?` and `[...]` classes; never matches across dots. */
function globLabelMatches(glob: string, label: string): boolean {
  let regex = globCache.get(glob);
  if (!regex) {
    let source = '';
    for (let i = 0; i < glob.length; i++) {
      const char = glob[i] ?? '';
      if (char === '*') source += '[^/]*';
      else if (char === '?') source += '[^/]';
      else if (char === '[') {
        const end = glob.indexOf(']', i + 1);
        if (end === -1) return false; // filepath.ErrBadPattern: the kubelet treats it as no match
        const body = glob.slice(i + 1, end).replace(/^\^/, '!');
        source += body.startsWith('!') ? `[^${escapeClass(body.slice(1))}]` : `[${escapeClass(body)}]`;
        i = end;
      } else if (char === '\\') {
        i++;
        source += escapeRegex(glob[i] ?? '');
      } else source += escapeRegex(char);
    }
    regex = new RegExp(`^${source}$`);
    if (globCache.size < 1000) globCache.set(glob, regex);
  }
  return regex.test(label);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function escapeClass(text: string): string {
  return text.replace(/[\\\]^]/g, '\\$&');
}

/** URLsMatchStr(key, image): same port, same number of labels each matching as a glob, path prefix. */
export function keyMatchesImage(normalizedKey: string, imageName: string): boolean {
  const key = splitSchemeless(normalizedKey);
  const target = splitSchemeless(imageName);
  if (!key || !target) return false;
  if (key.port !== target.port) return false;
  if (key.labels.length !== target.labels.length) return false;
  if (!target.path.startsWith(key.path)) return false;
  return key.labels.every((glob, index) => globLabelMatches(glob, target.labels[index] ?? ''));
}

const DEFAULT_REGISTRY_HOST = 'index.docker.io';

/** isDefaultRegistryMatch: images the kubelet treats as Docker Hub for the `index.docker.io` fallback. */
function isDefaultRegistryMatch(imageName: string): boolean {
  const slash = imageName.indexOf('/');
  const first = slash === -1 ? imageName : imageName.slice(0, slash);
  if (first.length === 0) return false;
  if (slash === -1) return true;
  if (first === 'docker.io' || first === 'index.docker.io') return true;
  return !/[.:]/.test(first);
}

export interface KeyedEntry {
  /** The key as written in the source (secret or config). */
  readonly key: string;
}

/**
 * BasicDockerKeyring.Lookup: entries whose key matches the image's normalised name, most specific
 * key first (reverse-sorted keys), duplicates kept in insertion order per key; when none match and
 * the image is on Docker Hub, the entries stored under `index.docker.io`.
 * `imageName` is the repository name as the kubelet passes it: `docker.io/library/nginx`.
 */
export function lookupCredentials<T extends KeyedEntry>(entries: readonly T[], imageName: string): T[] {
  const byKey = new Map<string, T[]>();
  for (const entry of entries) {
    const key = normalizeKey(entry.key);
    if (key === undefined) continue;
    const list = byKey.get(key) ?? [];
    list.push(entry);
    byKey.set(key, list);
  }
  const index = [...byKey.keys()].sort().reverse();
  const matched = index
    .filter((key) => keyMatchesImage(key, imageName))
    .flatMap((key) => byKey.get(key) ?? []);
  if (matched.length > 0) return matched;
  if (isDefaultRegistryMatch(imageName)) return byKey.get(DEFAULT_REGISTRY_HOST) ?? [];
  return [];
}
