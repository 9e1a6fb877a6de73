import { describe, expect, it } from '@jest/globals';
import { nodeRecord, type NodeRecord } from '../../../src/cluster/node-record.js';
import { candidateNodes } from '../../../src/cluster/nodes.js';

const node = (
  name: string,
  labels: Record<string, string> = {},
  taints: unknown[] = [],
  extra: object = {},
): NodeRecord =>
  nodeRecord({
    metadata: { name, labels },
    spec: { taints },
    status: { images: [], ...extra },
  }) as NodeRecord;
const nodes = [
  node('a', { zone: 'x', gpu: '2', 'kubernetes.io/arch': 'arm64', 'kubernetes.io/os': 'linux' }),
  node('b', { zone: 'y', gpu: '8' }),
  node('c', { zone: 'x' }, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]),
  node('d', {}, [{ key: 'soft', effect: 'PreferNoSchedule' }]),
];
const names = (spec: Record<string, unknown>): string[] =>
  candidateNodes(nodes, spec).candidates.map((n) => n.name);
const affinity = (...terms: unknown[]) => ({
  affinity: {
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
  },
});

describe('candidate nodes', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['no constraints (untolerated NoSchedule taint excluded)', {}, ['a', 'b', 'd']],
    ['nodeName', { nodeName: 'c' }, ['c']],
    ['nodeSelector', { nodeSelector: { zone: 'x' } }, ['a']],
    [
      'toleration Equal',
      { tolerations: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] },
      ['a', 'b', 'c', 'd'],
    ],
    ['toleration Exists without key', { tolerations: [{ operator: 'Exists' }] }, ['a', 'b', 'c', 'd']],
    ['toleration wrong value', { tolerations: [{ key: 'dedicated', value: 'web' }] }, ['a', 'b', 'd']],
    ['In', affinity({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['y'] }] }), ['b']],
    [
      'NotIn (absent label matches)',
      affinity({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['x'] }] }),
      ['b', 'd'],
    ],
    ['Exists', affinity({ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }), ['a', 'b']],
    ['DoesNotExist', affinity({ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }), ['d']],
    ['Gt', affinity({ matchExpressions: [{ key: 'gpu', operator: 'Gt', values: ['4'] }] }), ['b']],
    ['Lt', affinity({ matchExpressions: [{ key: 'gpu', operator: 'Lt', values: ['4'] }] }), ['a']],
    ['Gt non-integer', affinity({ matchExpressions: [{ key: 'zone', operator: 'Gt', values: ['1'] }] }), []],
    [
      'matchFields metadata.name',
      affinity({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['d'] }] }),
      ['d'],
    ],
    [
      'terms ORed',
      affinity(
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['d'] }] },
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['y'] }] },
      ),
      ['b', 'd'],
    ],
    ['empty term matches nothing', affinity({}), []],
    ['unknown operator', affinity({ matchExpressions: [{ key: 'zone', operator: 'Near' }] }), []],
  ])('%s', (_name, spec, expected) => {
    expect(names(spec)).toEqual(expected);
  });
});

describe('node records', () => {
  it('takes platform from nodeInfo, else labels', () => {
    expect(nodes[0]?.platform).toEqual({ os: 'linux', architecture: 'arm64' });
    const info = nodeRecord({
      metadata: { name: 'n' },
      status: { nodeInfo: { architecture: 's390x', operatingSystem: 'linux' } },
    });
    expect(info?.platform).toEqual({ os: 'linux', architecture: 's390x' });
  });
  it('normalises image names and flags capped lists', () => {
    const images = (n: number) => Array.from({ length: n }, (_, i) => ({ names: [`img${i}:1`] }));
    const small = nodeRecord({
      metadata: { name: 'n' },
      status: { images: [{ names: ['nginx:1.27', 'quay.io/x/y@sha256:' + 'a'.repeat(64)] }] },
    });
    expect(small?.images).toEqual(['docker.io/library/nginx:1.27', `quay.io/x/y@sha256:${'a'.repeat(64)}`]);
    expect(small?.imageListCapped).toBe(false);
    expect(nodeRecord({ metadata: { name: 'n' }, status: { images: images(50) } })?.imageListCapped).toBe(
      true,
    );
    expect(nodeRecord({ metadata: { name: 'n' }, status: { images: images(49) } })?.imageListCapped).toBe(
      false,
    );
    // Seen on the testbed: tags of one digest beyond the kubelet's 5 names per image are not listed.
    const fiveNames = { names: ['a:1', 'b:1', 'c:1', 'd:1', 'e:1'] };
    expect(nodeRecord({ metadata: { name: 'n' }, status: { images: [fiveNames] } })?.imageListCapped).toBe(
      true,
    );
    const fourNames = { names: ['a:1', 'b:1', 'c:1', 'd:1'] };
    expect(nodeRecord({ metadata: { name: 'n' }, status: { images: [fourNames] } })?.imageListCapped).toBe(
      false,
    );
    expect(
      nodeRecord({ metadata: { name: 'n' }, status: { images: images(10) } }, { imageCap: 10 })
        ?.imageListCapped,
    ).toBe(true);
  });
  it('ignores malformed nodes', () => {
    expect(nodeRecord({ metadata: {} })).toBeUndefined();
    expect(nodeRecord(null)).toBeUndefined();
  });
});
