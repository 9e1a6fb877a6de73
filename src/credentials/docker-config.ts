// Docker config parsing exactly as the kubelet reads pull secrets (pkg/credentialprovider/config.go
// and secrets/secrets.go), reporting why a secret is unusable instead of failing. Two outcomes
// matter to users: the kubelet silently skips a secret of another type or without its key, and it
// fails the pull outright when the JSON or an `auth` field cannot be decoded.

import type { PullCredential, SecretFact } from '../core/facts.js';

export const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';
export const DOCKERCFG_TYPE = 'kubernetes.io/dockercfg';
export const DOCKER_CONFIG_TYPES: readonly string[] = [DOCKER_CONFIG_JSON_TYPE, DOCKERCFG_TYPE];
const KEY_FOR_TYPE: Readonly<Record<string, string>> = {
  [DOCKER_CONFIG_JSON_TYPE]: '.dockerconfigjson',
  [DOCKERCFG_TYPE]: '.dockercfg',
};

export interface ParsedDockerConfig {
  readonly credentials: readonly PullCredential[];
  /** Why the kubelet cannot use it; never contains credential material. */
  readonly invalid?: string;
}

/** A Secret as read from the API or a manifest: `data` values are base64, `stringData` plain. */
export interface SecretInput {
  readonly name: string;
  readonly type?: unknown;
  readonly data?: unknown;
  readonly stringData?: unknown;
}

export function secretFact(secret: SecretInput): SecretFact {
  const parsed = parseDockerConfigSecret(secret);
  return {
    name: secret.name,
    status: 'found',
    credentials: parsed.credentials,
    ...(parsed.invalid !== undefined ? { invalid: parsed.invalid } : {}),
  };
}

export function parseDockerConfigSecret(secret: SecretInput): ParsedDockerConfig {
  const type = typeof secret.type === 'string' && secret.type !== '' ? secret.type : 'Opaque';
  const key = KEY_FOR_TYPE[type];
  if (key === undefined) {
    return invalid(
      `type ${type}: the kubelet reads only ${DOCKER_CONFIG_JSON_TYPE} and ${DOCKERCFG_TYPE} (it skips this one)`,
    );
  }
  const content = secretValue(secret, key);
  if (content === 'bad-base64') return invalid(`data ${key} is not valid base64`);
  if (content === undefined || content === '') return invalid(`no ${key} key (the kubelet skips it)`);
  return type === DOCKER_CONFIG_JSON_TYPE
    ? parseDockerConfigJson(content, secret.name, key)
    : parseDockercfg(content, secret.name, key);
}

/** stringData wins over data, as the API server merges it on write. */
function secretValue(secret: SecretInput, key: string): string | undefined | 'bad-base64' {
  if (isRecord(secret.stringData) && typeof secret.stringData[key] === 'string')
    return secret.stringData[key];
  if (!isRecord(secret.data)) return undefined;
  const value = secret.data[key];
  if (typeof value !== 'string') return undefined;
  const bytes = decodeStdBase64(value);
  return bytes === undefined ? 'bad-base64' : bytes.toString('utf8');
}

/** `{"auths": {...}}`, the `.dockerconfigjson` and `~/.docker/config.json` format. */
export function parseDockerConfigJson(text: string, source: string, what = 'config'): ParsedDockerConfig {
  const doc = parseJson(text);
  if (doc === undefined) return invalid(`${what} is not valid JSON (the kubelet fails the pull)`);
  if (!isRecord(doc)) return invalid(`${what} is not a JSON object (the kubelet fails the pull)`);
  const auths = goField(doc, 'auths');
  if (auths !== null && auths !== undefined && !isRecord(auths)) {
    return invalid(`${what} "auths" is not an object (the kubelet fails the pull)`);
  }
  if (!auths || Object.keys(auths).length === 0) {
    const looksFlat = Object.values(doc).some(
      (value) => isRecord(value) && ('auth' in value || 'username' in value),
    );
    return invalid(
      looksFlat
        ? `${what} has no "auths" (it is in the flat .dockercfg format; use type ${DOCKERCFG_TYPE} or wrap it in "auths")`
        : `${what} has empty "auths": no credentials`,
    );
  }
  return parseEntries(auths, source, what);
}

/** The flat `{"host": {...}}` map of `.dockercfg`. */
export function parseDockercfg(text: string, source: string, what = '.dockercfg'): ParsedDockerConfig {
  const doc = parseJson(text);
  if (doc === undefined) return invalid(`${what} is not valid JSON (the kubelet fails the pull)`);
  if (!isRecord(doc)) return invalid(`${what} is not a JSON object (the kubelet fails the pull)`);
  const keys = Object.keys(doc);
  if (keys.length === 0) return invalid(`${what} has no entries: no credentials`);
  if (keys.length === 1 && keys[0]?.toLowerCase() === 'auths') {
    return invalid(
      `${what} holds {"auths": ...} (the .dockerconfigjson format; use type ${DOCKER_CONFIG_JSON_TYPE})`,
    );
  }
  return parseEntries(doc, source, what);
}

function parseEntries(entries: Record<string, unknown>, source: string, what: string): ParsedDockerConfig {
  const credentials: PullCredential[] = [];
  for (const [key, entry] of Object.entries(entries)) {
    if (entry === null) {
      credentials.push({ secretName: source, key, username: '', password: '' });
      continue;
    }
    if (!isRecord(entry))
      return invalid(`${what} entry ${quoteKey(key)} is not an object (the kubelet fails the pull)`);
    const fields = ['username', 'password', 'auth', 'email'].map((name) => goField(entry, name));
    if (fields.some((value) => value !== undefined && value !== null && typeof value !== 'string')) {
      return invalid(`${what} entry ${quoteKey(key)} has a non-string field (the kubelet fails the pull)`);
    }
    const [username, password, auth] = fields as (string | undefined | null)[];
    if (auth) {
      const decoded = decodeAuthField(auth);
      if (decoded === 'bad-base64') {
        return invalid(
          `${what} entry ${quoteKey(key)}: auth is not valid base64 (the kubelet fails the pull)`,
        );
      }
      if (decoded === 'no-colon') {
        return invalid(
          `${what} entry ${quoteKey(key)}: auth is not base64 of username:password (the kubelet fails the pull)`,
        );
      }
      credentials.push({ secretName: source, key, ...decoded });
    } else credentials.push({ secretName: source, key, username: username ?? '', password: password ?? '' });
  }
  return { credentials };
}

/** decodeDockerConfigFieldAuth: padded when the trimmed field ends in `=`, else unpadded. */
export function decodeAuthField(
  field: string,
): { username: string; password: string } | 'bad-base64' | 'no-colon' {
  const bytes = field.trim().endsWith('=') ? decodeStdBase64(field) : decodeRawBase64(field);
  if (bytes === undefined) return 'bad-base64';
  const text = bytes.toString('utf8');
  const colon = text.indexOf(':');
  if (colon === -1) return 'no-colon';
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** base64.StdEncoding.DecodeString: padding required; CR and LF are ignored as Go ignores them. */
export function decodeStdBase64(text: string): Buffer | undefined {
  const clean = text.replace(/[\r\n]/g, '');
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(clean))
    return undefined;
  return Buffer.from(clean, 'base64');
}

/** base64.RawStdEncoding: no padding allowed. */
function decodeRawBase64(text: string): Buffer | undefined {
  const clean = text.replace(/[\r\n]/g, '');
  if (clean.length % 4 === 1 || !/^[A-Za-z0-9+/]*$/.test(clean)) return undefined;
  return Buffer.from(clean, 'base64');
}

/** encoding/json matches struct fields case-insensitively; the last matching key wins. */
function goField(object: Record<string, unknown>, name: string): unknown {
  let found: unknown;
  for (const [key, value] of Object.entries(object)) if (key.toLowerCase() === name) found = value;
  return found;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys are registry addresses, not secrets, but they come from users: quote and bound them. */
function quoteKey(key: string): string {
  return JSON.stringify(key.length > 60 ? `${key.slice(0, 57)}...` : key);
}

function invalid(reason: string): ParsedDockerConfig {
  return { credentials: [], invalid: reason };
}

/** `~/.docker/config.json` (audit --docker-config): the same `auths` format; helpers are not called. */
export function parseDockerConfigFile(text: string, path: string): ParsedDockerConfig {
  const parsed = parseDockerConfigJson(text, path, path);
  if (parsed.credentials.length > 0 || !/"(credsStore|credHelpers)"/.test(text)) return parsed;
  return invalid(
    `${path} keeps its credentials in a credential helper (credsStore/credHelpers), which is not read`,
  );
}
