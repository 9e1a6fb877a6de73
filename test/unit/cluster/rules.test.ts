import { KINDS } from '../../support/workloads.js';
import { describe, expect, it } from '@jest/globals';
import { ManifestClusterView } from '../../../src/cluster/manifest-view.js';
import { addConfiguredPullSecretPatch } from '../../../src/cluster/pull-secret-patch.js';
import { buildConfig, DEFAULT_CONFIG } from '../../../src/config/load.js';
import { evaluate } from '../../../src/core/engine.js';
import { NO_FACTS, type Facts, type NodeFact } from '../../../src/core/facts.js';
import { parseImageReference, type ImageReference } from '../../../src/image/reference.js';
import { walkWorkload, type Workload } from '../../../src/workload/walker.js';

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const podSpec = (extra: Record<string, unknown> = {}) => ({
  containers: [
    { name: 'sidecar', image: 'docker.io/library/busybox:1.36' },
    { name: 'api', image: 'registry.corp.example/team/api:2.1', imagePullPolicy: 'Never' },
  ],
  ...extra,
});
function workloadOf(kind: string, spec: Record<string, unknown>): Workload {
  const template = { spec };
  const specs: Record<string, unknown> = {
    Pod: spec,
    Deployment: { template },
    StatefulSet: { template },
    DaemonSet: { template },
    ReplicaSet: { template },
    ReplicationController: { template },
    Job: { template },
    CronJob: { jobTemplate: { spec: { template } } },
  };
  const workload = walkWorkload({
    apiVersion: 'v1',
    kind,
    metadata: { name: 'w', namespace: 'team' },
    spec: specs[kind],
  });
  if (!workload) throw new Error(kind);
  return workload;
}
const manifests = [
  {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'default', namespace: 'team' },
    imagePullSecrets: [{ name: 'sa-cred' }],
  },
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'regcred', namespace: 'team' },
    type: 'kubernetes.io/dockerconfigjson',
    data: {
      '.dockerconfigjson': b64(JSON.stringify({ auths: { 'registry.corp.example': { auth: b64('u:p') } } })),
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'opaque', namespace: 'team' },
    type: 'Opaque',
    data: {},
  },
];
function factsFor(workload: Workload, view: ManifestClusterView, extra: Partial<Facts> = {}): Facts {
  const answer = view.pullSecrets(workload.namespace, workload.podSpec);
  return {
    ...NO_FACTS,
    ...('unknown' in answer ? { clusterUnknown: answer.unknown } : { pullSecrets: answer }),
    ...extra,
  };
}
const run = (workload: Workload, facts: Facts, config = DEFAULT_CONFIG, mode: 'audit' | 'mutate' = 'audit') =>
  evaluate({ workload, facts, config, mode, operation: 'CREATE' });

describe.each(KINDS)('pull secret rules on %s', (kind) => {
  it('reports a missing and an invalid secret once per pod', () => {
    const workload = workloadOf(
      kind,
      podSpec({ imagePullSecrets: [{ name: 'gone' }, { name: 'opaque' }, { name: 'regcred' }] }),
    );
    const view = new ManifestClusterView(manifests, { complete: true });
    const findings = run(workload, factsFor(workload, view)).findings.filter((f) =>
      f.rule.startsWith('pull-secret'),
    );
    expect(findings.map((f) => [f.rule, f.container, f.action])).toEqual([
      ['pull-secret-not-found', 'sidecar', 'warn'],
      ['pull-secret-invalid', 'sidecar', 'warn'],
    ]);
    expect(findings[0]?.message).toMatch(/imagePullSecret "gone" not found in namespace team/);
    expect(findings[1]?.message).toMatch(/"opaque": type Opaque/);
  });
  it('never calls a secret missing when the manifests do not show it', () => {
    const workload = workloadOf(kind, podSpec({ imagePullSecrets: [{ name: 'elsewhere' }] }));
    const findings = run(workload, factsFor(workload, new ManifestClusterView(manifests))).findings;
    // Unknown is not missing; a warn-level rule without its facts reports nothing (contract).
    expect(findings.filter((f) => f.rule === 'pull-secret-not-found')).toEqual([]);
  });
  it("takes the ServiceAccount's secrets only when the pod lists none", () => {
    const workload = workloadOf(kind, podSpec());
    const facts = factsFor(workload, new ManifestClusterView(manifests, { complete: true }));
    expect(facts.pullSecrets?.source).toBe('serviceAccount');
    const finding = run(workload, facts).findings.find((f) => f.rule === 'pull-secret-not-found');
    expect(finding?.message).toMatch(/"sa-cred" \(from ServiceAccount "default"\)/);
  });
  it('reports a missing ServiceAccount', () => {
    const workload = workloadOf(kind, podSpec({ serviceAccountName: 'robot' }));
    const facts = factsFor(workload, new ManifestClusterView(manifests, { complete: true }));
    expect(facts.pullSecrets?.serviceAccount).toEqual({ name: 'robot', status: 'not-found' });
    expect(run(workload, facts).findings.find((f) => f.rule === 'pull-secret-not-found')?.message).toMatch(
      /ServiceAccount "robot" not found/,
    );
  });
});

const nodeFact = (name: string, images: string[], capped = false): NodeFact => ({
  name,
  platform: { os: 'linux', architecture: 'amd64' },
  images,
  imageListCapped: capped,
});

describe.each(KINDS)('pull-policy-never-absent on %s', (kind) => {
  const workload = workloadOf(kind, podSpec());
  const never = (candidates: NodeFact[], complete = true) =>
    run(workload, { ...NO_FACTS, nodes: { candidates, complete } }).findings.filter(
      (f) => f.rule === 'pull-policy-never-absent',
    );
  it('denies when every candidate list is complete and lacks the image', () => {
    const found = never([nodeFact('n1', ['docker.io/library/busybox:1.36'])]);
    expect(found.map((f) => [f.container, f.action])).toEqual([['api', 'deny']]);
    expect(found[0]?.message).toMatch(/ErrImageNeverPull/);
  });
  it('is silent when a candidate has the image', () => {
    expect(never([nodeFact('n1', []), nodeFact('n2', ['registry.corp.example/team/api:2.1'])])).toEqual([]);
  });
  it('warns when a list is capped or the node list incomplete', () => {
    expect(never([nodeFact('n1', [], true)])[0]?.action).toBe('warn');
    expect(never([nodeFact('n1', [])], false)[0]?.message).toMatch(
      /could not confirm: the node list is incomplete/,
    );
  });
  it('patches Never to IfNotPresent when configured (Pods on CREATE only)', () => {
    const config = buildConfig({ rules: { 'pull-policy-never-absent': 'patch' } });
    const facts = { ...NO_FACTS, nodes: { candidates: [nodeFact('n1', [])], complete: true } };
    const result = run(workload, facts, config, 'mutate');
    expect(result.patch).toEqual([
      {
        op: 'replace',
        path: `${workload.podSpecPointer}/containers/1/imagePullPolicy`,
        value: 'IfNotPresent',
      },
    ]);
    const update = evaluate({ workload, facts, config, mode: 'mutate', operation: 'UPDATE' });
    expect(update.patch).toEqual(kind === 'Pod' ? [] : result.patch);
  });
});

describe('configured pull secret patch', () => {
  const config = buildConfig({
    registries: [{ prefix: 'registry.corp.example', private: true, pullSecret: 'regcred' }],
  });
  const ref = (parseImageReference('registry.corp.example/team/api:2.1') as { ref: ImageReference }).ref;
  const view = new ManifestClusterView(manifests, { complete: true });
  const facts = (workload: Workload): Facts => ({
    ...factsFor(workload, view),
    configuredSecrets: new Map([['regcred', view.secretStatus('team', 'regcred')]]),
  });
  it("creates the list, keeping the ServiceAccount's secrets the template would have lost", () => {
    const workload = workloadOf('Deployment', podSpec());
    expect(addConfiguredPullSecretPatch(workload, ref, config, facts(workload))).toEqual([
      {
        op: 'add',
        path: '/spec/template/spec/imagePullSecrets',
        value: [{ name: 'sa-cred' }, { name: 'regcred' }],
      },
    ]);
  });
  it('appends to an existing list, and adds nothing already there or not existing', () => {
    const workload = workloadOf('Pod', podSpec({ imagePullSecrets: [{ name: 'other' }] }));
    expect(addConfiguredPullSecretPatch(workload, ref, config, facts(workload))).toEqual([
      { op: 'add', path: '/spec/imagePullSecrets/-', value: { name: 'regcred' } },
    ]);
    const has = workloadOf('Pod', podSpec({ imagePullSecrets: [{ name: 'regcred' }] }));
    expect(addConfiguredPullSecretPatch(has, ref, config, facts(has))).toBeUndefined();
    const absent = { ...facts(workload), configuredSecrets: new Map([['regcred', 'unknown' as const]]) };
    expect(addConfiguredPullSecretPatch(workload, ref, config, absent)).toBeUndefined();
  });
});
