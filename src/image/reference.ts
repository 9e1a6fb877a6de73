// Image references exactly as github.com/distribution/reference parses them, because the kubelet
// uses that library (ParseNormalizedNamed) and anything it refuses ends as InvalidImageName.
// The regular expressions are transcriptions of that package's regexp.go.

const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const ipv6Address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const host = `(?:${domainName}|${ipv6Address})`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const namePattern = `(?:${domainAndPort}/)?${remoteName}`;
const tagPattern = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const referenceRegexp = new RegExp(`^(${namePattern})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`);
const anchoredNameRegexp = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);
const anchoredIdentifierRegexp = /^[a-f0-9]{64}$/;
const tagRegexp = new RegExp(`^${tagPattern}$`);

/**
 * Longest repository path accepted. distribution/reference v0.6.0 (the version Kubernetes 1.33
 * vendors) checks the path without the domain (RepositoryNameTotalLengthMax); older versions
 * counted the domain too.
 */
export const NAME_TOTAL_LENGTH_MAX = 255;
/** Inputs longer than this cannot be valid (name + tag + longest digest) and are refused before any regex runs. */
const INPUT_LENGTH_MAX = 1024;

export const DOCKER_HUB_DOMAIN = 'docker.io';
const LEGACY_DOCKER_HUB_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';

/** Hex lengths of the digest algorithms go-digest knows; any other algorithm is refused. */
const DIGEST_HEX_LENGTHS: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

export interface ImageReference {
  /** Registry host with optional port, normalised: `docker.io` for Docker Hub. */
  readonly domain: string;
  /** Repository path inside the registry, `library/` added for Docker Hub official images. */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

export type ParseResult = { ok: true; ref: ImageReference } | { ok: false; error: string };

// Admission sees the same few hundred images again and again, and several rules ask for the same
// parse; answers are frozen and remembered in a bounded map.
const MEMO_LIMIT = 5000;
const memo = new Map<string, ParseResult>();

/** Parses like reference.ParseNormalizedNamed; the error texts are the library's own. */
export function parseImageReference(input: unknown): ParseResult {
  if (typeof input !== 'string') return fail('image is not a string');
  const known = memo.get(input);
  if (known) return known;
  const result = Object.freeze(parseUncached(input));
  if (result.ok) Object.freeze(result.ref);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(input, result);
  return result;
}

function parseUncached(input: string): ParseResult {
  if (input === '') return fail('repository name must have at least one component');
  if (input.length > INPUT_LENGTH_MAX) return fail('invalid reference format');
  if (anchoredIdentifierRegexp.test(input)) {
    return fail(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain, remainder } = splitDockerDomain(input);
  const tagSeparator = remainder.indexOf(':');
  const remote = tagSeparator > -1 ? remainder.slice(0, tagSeparator) : remainder;
  if (remote.toLowerCase() !== remote) {
    return fail(`invalid reference format: repository name (${remote}) must be lowercase`);
  }
  return parseFullReference(`${domain}/${remainder}`);
}

function parseFullReference(s: string): ParseResult {
  const match = referenceRegexp.exec(s);
  if (!match) {
    if (s.toLowerCase() !== s && referenceRegexp.test(s.toLowerCase())) {
      return fail('invalid reference format: repository name must be lowercase');
    }
    return fail('invalid reference format');
  }
  const name = match[1] ?? '';
  const nameMatch = anchoredNameRegexp.exec(name);
  const domain = nameMatch?.[1] ?? '';
  const path = nameMatch?.[2] ?? name;
  if (path.length > NAME_TOTAL_LENGTH_MAX) {
    return fail(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  const digest = match[3];
  if (digest !== undefined) {
    const digestError = validateDigest(digest);
    if (digestError) return fail(digestError);
  }
  const ref: ImageReference = {
    domain,
    path,
    ...(match[2] !== undefined ? { tag: match[2] } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
  return { ok: true, ref };
}

/** go-digest's Digest.Validate: known algorithm, exact length, lowercase hex. */
function validateDigest(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  const expected = DIGEST_HEX_LENGTHS[algorithm];
  if (expected === undefined) return 'unsupported digest algorithm';
  if (encoded.length !== expected) return 'invalid checksum digest length';
  if (!/^[a-f0-9]+$/.test(encoded)) return 'invalid checksum digest format';
  return undefined;
}

function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = slash === -1 ? '' : name.slice(0, slash);
  if (slash === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DOCKER_HUB_DOMAIN;
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(slash + 1);
  }
  if (domain === LEGACY_DOCKER_HUB_DOMAIN) domain = DOCKER_HUB_DOMAIN;
  if (domain === DOCKER_HUB_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return { domain, remainder };
}

function fail(error: string): ParseResult {
  return { ok: false, error };
}

/** The fully qualified form: `docker.io/library/nginx:1.27@sha256:...`. */
export function formatReference(ref: ImageReference): string {
  return `${repositoryName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** `domain/path`, the key the kubelet's keyring and the registry cache use. */
export function repositoryName(ref: ImageReference): string {
  // A first component like `a_b.c` is neither a valid domain nor rejected: the library keeps it in
  // the path with an empty domain, and so do we.
  return ref.domain === '' ? ref.path : `${ref.domain}/${ref.path}`;
}

/** The short form people write (`nginx:1.27`), as reference.FamiliarString prints it. */
export function familiarString(ref: ImageReference): string {
  let name = repositoryName(ref);
  if (ref.domain === DOCKER_HUB_DOMAIN) {
    const official = ref.path.slice(OFFICIAL_REPO_PREFIX.length);
    name = ref.path.startsWith(OFFICIAL_REPO_PREFIX) && !official.includes('/') ? official : ref.path;
  }
  return `${name}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The tag or digest a registry is asked for: the digest wins, then the tag, then `latest`. */
export function manifestReference(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

/** No digest, and the tag is absent or `latest`: what the kubelet would pull can change under the pod. */
export function isMutableReference(ref: ImageReference): boolean {
  return ref.digest === undefined && (ref.tag === undefined || ref.tag === 'latest');
}

export function isValidTag(tag: string): boolean {
  return tagRegexp.test(tag);
}

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/**
 * What the API server sets when imagePullPolicy is empty (SetDefaults_Container): `Always` when the
 * effective tag is `latest` (also with a digest), else `IfNotPresent` (digest-only, and unparsable images too).
 */
export function defaultPullPolicy(image: string): PullPolicy {
  const parsed = parseImageReference(image);
  if (!parsed.ok) return 'IfNotPresent';
  const { tag, digest } = parsed.ref;
  const effectiveTag = tag ?? (digest === undefined ? 'latest' : '');
  return effectiveTag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** The policy the kubelet will apply: the one given, or the API server's default. */
export function effectivePullPolicy(image: string, given: unknown): PullPolicy {
  if (given === 'Always' || given === 'IfNotPresent' || given === 'Never') return given;
  return defaultPullPolicy(image);
}
