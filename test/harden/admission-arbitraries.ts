// fast-check generators for hostile AdmissionReviews: a plausible review around a pod template of
// any workload kind, then a few fields replaced by the wrong type (null, numbers as strings, huge
// arrays, deep nesting, unicode), and raw bodies (duplicate keys, truncated JSON, random bytes).

import fc from 'fast-check';
import { WORKLOAD_KINDS } from '../../src/workload/walker.js';

const DEPTH = 2000;

/** `[[[...]]]` or `{"a":{"a":...}}` nested DEPTH times, built without recursion. */
function deep(kind: 'array' | 'object'): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < DEPTH; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
}

const unicode = fc.string({ unit: 'binary', maxLength: 40 });

/** A value of the wrong type for whatever field it lands in. */
export const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer().map(String), // numbers as strings
  unicode,
  fc.constant(''),
  fc.constant({}),
  fc.constant([]),
  fc.constant('x'.repeat(100_000)),
  fc.nat({ max: 3 }).map((n) => Array.from({ length: 10_000 * (n + 1) }, (_, i) => i)), // huge arrays
  fc.constant(Array.from({ length: 2000 }, () => ({ image: 'nginx:1.27', name: 'c' }))),
  fc.constantFrom('array', 'object').map((k) => deep(k as 'array' | 'object')),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'),
);

const images = fc.oneof(
  fc.constantFrom(
    'nginx',
    'nginx:latest',
    'nginx:1.27',
    'docker.io/library/nginx@sha256:' + 'a'.repeat(64),
    'registry.corp.example/team/api:2.1',
    'mirror.corp.example:5000/x/y:1',
    '127.0.0.1:5000/app:1',
    'UPPER/case:1',
    'a//b',
    ':tag',
    '@sha256:abc',
    'ex\u00e4mple.com/a:1',
    'a'.repeat(300),
    '',
    ' ',
  ),
  unicode,
  fc.stringMatching(/^[a-z0-9.:/@_-]{1,60}$/),
);

const container = fc.record(
  {
    name: fc.oneof(fc.constantFrom('app', 'sidecar', ''), unicode),
    image: images,
    imagePullPolicy: fc.constantFrom('Always', 'IfNotPresent', 'Never', 'never', ''),
  },
  { requiredKeys: ['image'] },
);

const podSpec = fc.record(
  {
    containers: fc.array(container, { maxLength: 4 }),
    initContainers: fc.array(container, { maxLength: 2 }),
    ephemeralContainers: fc.array(container, { maxLength: 1 }),
    imagePullSecrets: fc.array(fc.record({ name: fc.constantFrom('regcred', 'missing', 'broken', '') }), {
      maxLength: 3,
    }),
    serviceAccountName: fc.constantFrom('default', 'builder', 'absent'),
    nodeName: fc.constantFrom('node-a', 'node-b', 'nowhere'),
    nodeSelector: fc.dictionary(
      fc.constantFrom('kubernetes.io/arch', 'kubernetes.io/os', 'zone'),
      fc.constantFrom('amd64', 'arm64', 'linux', 'a'),
    ),
    tolerations: fc.array(fc.record({ key: fc.string(), operator: fc.constantFrom('Exists', 'Equal') })),
    affinity: fc.constant({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] }] },
          ],
        },
      },
    }),
  },
  { requiredKeys: ['containers'] },
);

function wrap(kind: string, spec: unknown): unknown {
  const template = { metadata: { labels: { app: 'x' } }, spec };
  switch (kind) {
    case 'Pod':
      return spec;
    case 'CronJob':
      return { schedule: '* * * * *', jobTemplate: { spec: { template } } };
    default:
      return { replicas: 1, template };
  }
}

const workload = fc
  .tuple(fc.constantFrom(...WORKLOAD_KINDS, 'ConfigMap', 'Unknown'), podSpec, fc.constantFrom('web', ''))
  .map(([kind, spec, name]) => ({
    apiVersion: kind === 'Pod' ? 'v1' : 'apps/v1',
    kind,
    metadata: { name, namespace: 'team', annotations: { note: 'x' } },
    spec: wrap(kind, spec),
  }));

export const review = fc
  .record({
    uid: fc.oneof(fc.uuid(), fc.constant('u')),
    operation: fc.constantFrom('CREATE', 'UPDATE', 'DELETE', 'CONNECT'),
    subResource: fc.constantFrom(undefined, '', 'status', 'ephemeralcontainers'),
    dryRun: fc.boolean(),
    object: workload,
    oldObject: fc.option(workload, { nil: undefined }),
  })
  .map(({ subResource, ...request }) => ({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      ...request,
      ...(subResource === undefined ? {} : { subResource }),
      kind: { group: '', version: 'v1', kind: request.object.kind },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'team',
      name: request.object.metadata.name,
    },
  }));

/** Every path (as keys) to a value inside a JSON tree, stopping at deep or large subtrees. */
function paths(value: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []) {
  out.push(prefix);
  if (prefix.length > 12 || out.length > 400) return out;
  if (Array.isArray(value)) value.slice(0, 8).forEach((item, i) => paths(item, [...prefix, i], out));
  else if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value)) paths(item, [...prefix, key], out);
  return out;
}

function replaceAt(root: unknown, path: ReadonlyArray<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy = (Array.isArray(root) ? [...(root as unknown[])] : { ...(root as object) }) as Record<
    string | number,
    unknown
  >;
  copy[head as string] = replaceAt(copy[head as string], rest, value);
  return copy;
}

/** A review with up to four fields (anywhere, including the root) replaced by garbage. */
export const mutatedReview: fc.Arbitrary<unknown> = fc
  .tuple(review, fc.array(fc.tuple(fc.nat(), garbage), { maxLength: 4 }))
  .map(([base, edits]) => {
    let value: unknown = base;
    for (const [pick, replacement] of edits) {
      const all = paths(value);
      value = replaceAt(value, all[pick % all.length] ?? [], replacement);
    }
    return value;
  });

/** Raw body texts: JSON of (mutated) reviews with duplicated keys or cut short, and random text. */
export const rawBody: fc.Arbitrary<string> = fc.oneof(
  mutatedReview.map((value) => JSON.stringify(value) ?? 'null'),
  fc.tuple(review, garbage).map(([value, dup]) =>
    // Duplicate keys: the later one wins in JSON.parse, so the review's own fields are replaced.
    JSON.stringify(value).replace(
      '"request":{',
      `"request":${JSON.stringify(dup) ?? 'null'},"request":{"uid":${JSON.stringify(dup) ?? 'null'},"uid":"dup",`,
    ),
  ),
  fc.tuple(review, fc.nat()).map(([value, cut]) => {
    const text = JSON.stringify(value);
    return text.slice(0, cut % text.length);
  }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.constantFrom('', 'null', '[]', '{}', '"AdmissionReview"', '1e999', '{"__proto__":{"kind":"x"}}'),
);
