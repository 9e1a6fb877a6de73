// Which configured registry entry an image belongs to (matched like the kubelet matches
// credentials), where its API lives, and what a mirror rewrite of the image looks like.

import type { Config, RegistryConfig } from '../config/schema.js';
import { normalizeKey, keyMatchesImage } from '../credentials/keyring.js';
import { DOCKER_HUB_DOMAIN, repositoryName, type ImageReference } from '../image/reference.js';

// Matching parses every configured prefix as a URL; admissions ask for the same repositories
// again and again, so answers are remembered per (frozen) config: by reference object first
// (parsed references are memoised, so the same object comes back), then by repository name in a
// bounded map.
interface Memo {
  readonly byRef: WeakMap<ImageReference, RegistryConfig | null>;
  readonly byName: Map<string, RegistryConfig | null>;
}
const memo = new WeakMap<Config, Memo>();
const MEMO_ENTRIES = 10_000;

/** The most specific entry (longest prefix) whose prefix matches the image's repository name. */
export function matchRegistry(config: Config, ref: ImageReference): RegistryConfig | undefined {
  if (config.registries.length === 0) return undefined;
  let answers = memo.get(config);
  if (!answers) memo.set(config, (answers = { byRef: new WeakMap(), byName: new Map() }));
  let found = answers.byRef.get(ref);
  if (found === undefined) {
    const name = repositoryName(ref);
    found = answers.byName.get(name);
    if (found === undefined) {
      found = findRegistry(config, name) ?? null;
      if (answers.byName.size >= MEMO_ENTRIES) answers.byName.clear();
      answers.byName.set(name, found);
    }
    answers.byRef.set(ref, found);
  }
  return found ?? undefined;
}

function findRegistry(config: Config, name: string): RegistryConfig | undefined {
  let best: RegistryConfig | undefined;
  let bestLength = -1;
  for (const entry of config.registries) {
    const key = normalizeKey(entry.prefix);
    if (key === undefined || !keyMatchesImage(key, name)) continue;
    if (key.length > bestLength) {
      best = entry;
      bestLength = key.length;
    }
  }
  return best;
}

/** Docker Hub's API host; every other registry serves the API on its own host. */
export function apiHost(domain: string): string {
  return domain === DOCKER_HUB_DOMAIN ? 'registry-1.docker.io' : domain;
}

/** The image rewritten to the mirror of its registry entry, keeping the path below the prefix, tag and digest. */
export function mirrorImage(ref: ImageReference, entry: RegistryConfig | undefined): string | undefined {
  if (!entry?.mirror) return undefined;
  const prefix = normalizeKey(entry.prefix);
  const name = repositoryName(ref);
  if (prefix === undefined) return undefined;
  // A glob prefix (*.corp.example) has no literal text to strip: keep the whole path.
  const rest = prefix.includes('*') ? ref.path : name.slice(prefix.length).replace(/^\//, '') || ref.path;
  const mirror = entry.mirror.replace(/\/+$/, '');
  return `${mirror}/${rest}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}
