import { describe, expect, it } from '@jest/globals';
import { buildConfig } from '../../../src/config/load.js';
import { evaluate, type EvaluationMode } from '../../../src/core/engine.js';
import { NO_FACTS, type Facts } from '../../../src/core/facts.js';
import type { Operation } from '../../../src/core/rule.js';
import { walkWorkload, type Workload } from '../../../src/workload/walker.js';
import { KINDS, POD_SPEC_POINTER, podSpec, workload, type Kind } from '../../support/workloads.js';

const DIGEST = 'sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582';

function view(kind: Kind, spec: Record<string, unknown>, namespace = 'default'): Workload {
  const result = walkWorkload(workload(kind, spec, 'web', namespace));
  if (!result) throw new Error('not a workload');
  return result;
}

function run(
  target: Workload,
  options: {
    mode?: EvaluationMode;
    config?: unknown;
    facts?: Facts;
    operation?: Operation;
    previous?: Workload;
  } = {},
) {
  return evaluate({
    workload: target,
    operation: options.operation ?? 'CREATE',
    ...(options.previous ? { previous: options.previous } : {}),
    facts: options.facts ?? NO_FACTS,
    config: buildConfig(options.config ?? {}),
    mode: options.mode ?? 'validate',
  });
}

describe('offline rules on every workload kind', () => {
  it.each(KINDS)('%s: invalid reference denies, latest and Never warn', (kind) => {
    const spec = podSpec(
      { name: 'bad', image: 'Registry.Example.com/Team/App:1' },
      { name: 'latest', image: 'nginx' },
      { name: 'never', image: 'busybox:1.36', imagePullPolicy: 'Never' },
      { name: 'good', image: 'nginx:1.27' },
    );
    const result = run(view(kind, spec));
    expect(result.allowed).toBe(false);
    expect(result.findings.map((f) => [f.rule, f.action, f.container, f.pointer])).toEqual([
      ['image-reference-invalid', 'deny', 'bad', `${POD_SPEC_POINTER[kind]}/containers/0`],
      ['image-tag-mutable', 'warn', 'latest', `${POD_SPEC_POINTER[kind]}/containers/1`],
      ['pull-policy-never', 'warn', 'never', `${POD_SPEC_POINTER[kind]}/containers/2`],
      // Deny-level, but without node facts it can only warn about what it could not check.
      ['pull-policy-never-absent', 'warn', 'never', `${POD_SPEC_POINTER[kind]}/containers/2`],
    ]);
    expect(result.denials).toHaveLength(1);
    expect(result.denials[0]?.message).toBe(
      '[image-reference-invalid] container "bad" image "Registry.Example.com/Team/App:1": invalid reference format: repository name (Team/App) must be lowercase; the kubelet would report InvalidImageName',
    );
    expect(result.warnings).toEqual([
      '[image-tag-mutable] container "latest" image "nginx": no tag (means latest) is not reproducible and defaults imagePullPolicy to Always; pin a version or digest',
      '[pull-policy-never] container "never" image "busybox:1.36": imagePullPolicy Never runs only where the image is preloaded (else ErrImageNeverPull)',
      '[pull-policy-never-absent] container "never" image "busybox:1.36": imagePullPolicy Never; could not check whether any node has the image: no node facts (cluster not read)',
    ]);
    expect(result.findings[0]).toMatchObject({
      kind,
      namespace: 'default',
      name: 'web',
      image: 'Registry.Example.com/Team/App:1',
    });
  });

  it.each([
    [{ name: 'a' }, 'image is missing or not a string'],
    [{ name: 'a', image: 7 }, 'image is missing or not a string'],
    [{ name: 'a', image: ' nginx:1' }, 'leading or trailing whitespace'],
    [{ name: 'a', image: '' }, 'at least one component'],
  ])('explains malformed images: %j', (container, text) => {
    const result = run(view('Pod', podSpec(container)));
    expect(result.denials[0]?.message).toContain(text);
  });

  it('judges init and ephemeral containers too', () => {
    const result = run(
      view('Pod', {
        initContainers: [{ name: 'i', image: 'x:latest' }],
        containers: [],
        ephemeralContainers: [{ name: 'e', image: 'y' }],
      }),
    );
    expect(result.findings.map((f) => [f.containerList, f.rule])).toEqual([
      ['initContainers', 'image-tag-mutable'],
      ['ephemeralContainers', 'image-tag-mutable'],
    ]);
  });

  it('a digest pins even with latest; a digest alone has no finding', () => {
    const result = run(
      view(
        'Pod',
        podSpec({ name: 'a', image: `nginx:latest@${DIGEST}` }, { name: 'b', image: `nginx@${DIGEST}` }),
      ),
    );
    expect(result.findings).toEqual([]);
  });
});

describe('configuration', () => {
  const spec = podSpec({ name: 'a', image: 'nginx' }, { name: 'b', image: 'UPPER' });

  it('per-rule actions, including off', () => {
    const result = run(view('Deployment', spec), {
      config: { rules: { 'image-tag-mutable': 'deny', 'image-reference-invalid': 'off' } },
    });
    expect(result.findings.map((f) => [f.rule, f.action])).toEqual([['image-tag-mutable', 'deny']]);
  });

  it('per-namespace overrides: first matching glob wins', () => {
    const config = {
      namespaceOverrides: [
        { namespaces: ['dev-*'], rules: { 'image-reference-invalid': 'warn' } },
        { namespaces: ['*'], rules: { 'image-reference-invalid': 'off' } },
      ],
    };
    expect(run(view('Pod', spec, 'dev-alice'), { config }).findings.map((f) => f.action)).toEqual([
      'warn',
      'warn',
    ]);
    expect(run(view('Pod', spec, 'prod'), { config }).findings.map((f) => f.rule)).toEqual([
      'image-tag-mutable',
    ]);
  });

  it('exemptions by namespace and by image prefix (as written or fully qualified)', () => {
    expect(
      run(view('Pod', spec, 'kube-system'), { config: { exemptions: { namespaces: ['kube-*'] } } }).findings,
    ).toEqual([]);
    const byImage = run(view('Pod', spec), {
      config: { exemptions: { images: ['docker.io/library/nginx'] } },
    });
    expect(byImage.findings.map((f) => f.container)).toEqual(['b']);
  });
});

describe('modes and patches', () => {
  const digestFacts = (pointer: string): Facts => ({
    images: new Map([[pointer, { anonymous: { outcome: 'ok', digest: DIGEST } }]]),
    recentFailures: new Map(),
  });
  const patchConfig = { rules: { 'image-tag-mutable': 'patch' } };

  it('mutate pins a Pod tag to the resolved digest and reports only what it patched', () => {
    const result = run(view('Pod', podSpec({ name: 'a', image: 'nginx' })), {
      mode: 'mutate',
      config: patchConfig,
      facts: digestFacts('/spec/containers/0'),
    });
    expect(result.allowed).toBe(true);
    expect(result.patch).toEqual([
      { op: 'replace', path: '/spec/containers/0/image', value: `nginx:latest@${DIGEST}` },
    ]);
    expect(result.warnings).toEqual([
      `[image-tag-mutable] container "a" image "nginx": pinned docker.io/library/nginx to ${DIGEST}`,
    ]);
  });

  it('templates are pinned only when configured (re-applies would roll the workload)', () => {
    const pointer = '/spec/template/spec/containers/0';
    const off = run(view('Deployment', podSpec({ name: 'a', image: 'nginx:latest' })), {
      mode: 'mutate',
      config: patchConfig,
      facts: digestFacts(pointer),
    });
    expect(off.patch).toEqual([]);
    const on = run(view('Deployment', podSpec({ name: 'a', image: 'nginx:latest' })), {
      mode: 'mutate',
      config: { ...patchConfig, patch: { pinTemplates: true } },
      facts: digestFacts(pointer),
    });
    expect(on.patch).toEqual([{ op: 'replace', path: `${pointer}/image`, value: `nginx:latest@${DIGEST}` }]);
  });

  it('a patch action without a fix warns in validate and stays silent in mutate', () => {
    const target = view('Pod', podSpec({ name: 'a', image: 'nginx' }));
    expect(run(target, { mode: 'mutate', config: patchConfig }).warnings).toEqual([]);
    const validated = run(target, { mode: 'validate', config: patchConfig });
    expect(validated.findings.map((f) => [f.rule, f.action])).toEqual([['image-tag-mutable', 'warn']]);
  });

  it('mutate never denies', () => {
    const result = run(view('Pod', podSpec({ name: 'a', image: 'BAD' })), { mode: 'mutate' });
    expect(result.allowed).toBe(true);
    expect(result.findings).toEqual([]);
  });

  it('audit reports everything, patchable findings included', () => {
    const result = run(view('Pod', podSpec({ name: 'a', image: 'nginx' }, { name: 'b', image: 'BAD' })), {
      mode: 'audit',
      config: patchConfig,
      facts: digestFacts('/spec/containers/0'),
    });
    expect(result.findings.map((f) => [f.rule, f.action])).toEqual([
      ['image-tag-mutable', 'patch'],
      ['image-reference-invalid', 'deny'],
    ]);
    expect(result.allowed).toBe(false);
  });
});

describe('UPDATE and other operations', () => {
  it('only containers whose image or policy changed are judged again', () => {
    const before = view('Deployment', podSpec({ name: 'a', image: 'nginx' }, { name: 'b', image: 'BAD' }));
    const after = view(
      'Deployment',
      podSpec({ name: 'a', image: 'nginx' }, { name: 'b', image: 'BAD' }, { name: 'c', image: 'x' }),
    );
    const scaled = run(after, { operation: 'UPDATE', previous: before });
    expect(scaled.allowed).toBe(true);
    expect(scaled.findings.map((f) => f.container)).toEqual(['c']);
  });

  it('a changed pull secret list re-judges every container', () => {
    const before = view('Deployment', podSpec({ name: 'b', image: 'BAD' }));
    const after = view('Deployment', {
      ...podSpec({ name: 'b', image: 'BAD' }),
      imagePullSecrets: [{ name: 'new' }],
    });
    expect(run(after, { operation: 'UPDATE', previous: before }).allowed).toBe(false);
  });

  it.each(['DELETE', 'CONNECT'] as const)('%s is never inspected', (operation) => {
    expect(run(view('Pod', podSpec({ name: 'b', image: 'BAD' })), { operation }).findings).toEqual([]);
  });
});

describe('messages', () => {
  it('quote hostile input and stay under 256 characters', () => {
    const result = run(view('Pod', podSpec({ name: 'x"\u0007'.repeat(30), image: `${'a'.repeat(300)}"\n` })));
    const message = result.denials[0]?.message ?? '';
    expect(message.length).toBeLessThan(256);
    expect(message).not.toContain('\n');
    expect(message).not.toContain('\u0007');
    expect(message.startsWith('[image-reference-invalid] container "')).toBe(true);
  });
});
