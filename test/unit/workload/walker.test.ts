import { describe, expect, it } from '@jest/globals';
import { imagePullSecretNames, serviceAccountName, walkWorkload } from '../../../src/workload/walker.js';
import { KINDS, POD_SPEC_POINTER, workload } from '../../support/workloads.js';

const spec = {
  initContainers: [{ name: 'init', image: 'busybox:1.36' }],
  containers: [
    { name: 'app', image: 'nginx:1.27', imagePullPolicy: 'Always' },
    { name: 'side', image: 'envoy:v1' },
  ],
  ephemeralContainers: [{ name: 'debug', image: 'busybox' }],
};

describe('walkWorkload', () => {
  it.each(KINDS)('finds every container of a %s with its JSON Pointer', (kind) => {
    const view = walkWorkload(workload(kind, spec, 'web', 'team'));
    const base = POD_SPEC_POINTER[kind];
    expect(view).toBeDefined();
    expect(view?.kind).toBe(kind);
    expect(view?.name).toBe('web');
    expect(view?.namespace).toBe('team');
    expect(view?.podSpecPointer).toBe(base);
    expect(view?.containers.map((c) => [c.name, c.list, c.pointer, c.image])).toEqual([
      ['init', 'initContainers', `${base}/initContainers/0`, 'busybox:1.36'],
      ['app', 'containers', `${base}/containers/0`, 'nginx:1.27'],
      ['side', 'containers', `${base}/containers/1`, 'envoy:v1'],
      ['debug', 'ephemeralContainers', `${base}/ephemeralContainers/0`, 'busybox'],
    ]);
  });

  it('uses the request namespace when the object has none', () => {
    expect(walkWorkload(workload('Pod', spec), 'fallback')?.namespace).toBe('fallback');
    expect(walkWorkload(workload('Pod', spec))?.namespace).toBeNull();
  });

  it.each([
    ['not an object', 'nope'],
    ['null', null],
    ['a ConfigMap', { kind: 'ConfigMap', metadata: { name: 'x' }, data: {} }],
    ['a Deployment without template', { kind: 'Deployment', spec: {} }],
    ['a Pod whose spec is a string', { kind: 'Pod', spec: 'x' }],
    ['a kind with an inherited property name', { kind: 'toString', spec: {} }],
  ])('ignores %s', (_label, object) => {
    expect(walkWorkload(object)).toBeUndefined();
  });

  it('skips malformed container entries instead of throwing', () => {
    const view = walkWorkload({
      kind: 'Pod',
      spec: { containers: [null, 'x', 7, { image: 'a' }], initContainers: 'no' },
    });
    expect(view?.containers).toEqual([
      {
        name: 'containers[3]',
        list: 'containers',
        index: 3,
        pointer: '/spec/containers/3',
        image: 'a',
        imagePullPolicy: undefined,
      },
    ]);
  });

  it('reads pull secret names and the ServiceAccount the pod runs as', () => {
    expect(
      imagePullSecretNames({ imagePullSecrets: [{ name: 'a' }, {}, { name: '' }, 'x', { name: 'b' }] }),
    ).toEqual(['a', 'b']);
    expect(imagePullSecretNames({})).toEqual([]);
    expect(serviceAccountName({})).toBe('default');
    expect(serviceAccountName({ serviceAccountName: 'builder' })).toBe('builder');
    expect(serviceAccountName({ serviceAccount: 'legacy' })).toBe('legacy');
  });
});
