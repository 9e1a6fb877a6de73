// The kubelet's credential keyring (pkg/credentialprovider/keyring.go), so that "which pull secret
// matches this image" is answered exactly as the kubelet answers it. Registry prefixes in the
// configuration are matched the same way.

import { goGlobMatch } from './go-glob.js';
import { parseGoUrl, splitHostPort } from './go-url.js';

/** A docker config key reduced as BasicDockerKeyring.Add does: scheme dropped, `/v1/`, `/v2/` folded. */
export function normalizeKey(key: string): string | undefined {
  const withScheme = key.startsWith('https://') || key.startsWith('http://') ? key : `https://${key}`;
  const url = parseGoUrl(withScheme);
  if (!url) return undefined; // the kubelet logs "Entry ... in dockercfg invalid" and ignores it
  let path = url.path;
  if (path.startsWith('/v2/') || path.startsWith('/v1/')) path = path.slice(3);
  return path.length > 0 && path !== '/' ? url.host + path : url.host;
}

/** URLsMatchStr(key, image): same port, same number of labels each matching as a glob, path prefix. */
export function keyMatchesImage(normalizedKey: string, imageName: string): boolean {
  const key = parseGoUrl(`https://${normalizedKey}`);
  const target = parseGoUrl(`https://${imageName}`);
  if (!key || !target) return false;
  const keyHost = splitHostPort(key.host);
  const targetHost = splitHostPort(target.host);
  if (keyHost.port !== targetHost.port) return false;
  const keyLabels = keyHost.host.split('.');
  const targetLabels = targetHost.host.split('.');
  if (keyLabels.length !== targetLabels.length) return false;
  if (!target.path.startsWith(key.path)) return false;
  return keyLabels.every((glob, index) => goGlobMatch(glob, targetLabels[index] ?? ''));
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
