// Builds the base and every overlay with kubectl's own kustomize and checks what a cluster would get.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import { parse, parseAllDocuments } from 'yaml';
import { buildConfig } from '../../../src/config/load.js';
import { RULE_IDS } from '../../../src/core/catalog.js';
import { timeoutSecondsFor } from '../../../src/manifests/webhooks.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Doc = Record<string, any>;

function build(dir: string): Doc[] {
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  return parseAllDocuments(out).map((doc) => doc.toJS() as Doc);
}
const find = (docs: Doc[], kind: string, name?: string) =>
  docs.find((d) => d.kind === kind && (name === undefined || d.metadata.name === name));

const TARGETS = [
  'manifests',
  'manifests/overlays/audit',
  'manifests/overlays/enforce',
  'manifests/overlays/cert-manager',
];

describe.each(TARGETS)('kubectl kustomize %s', (dir) => {
  const docs = build(dir);
  const deployment = find(docs, 'Deployment', 'pullguard')!;
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const configMap = find(docs, 'ConfigMap')!;
  const config = buildConfig(parse(configMap.data['config.yaml']), dir);

  it('runs two hardened replicas of pullguard:0.1.0 with probes, resources and a disruption budget', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(container.image).toBe('pullguard:0.1.0');
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.livenessProbe.httpGet).toMatchObject({ path: '/healthz', scheme: 'HTTPS' });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/readyz', scheme: 'HTTPS' });
    expect(container.resources.requests).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
    expect(find(docs, 'PodDisruptionBudget')?.spec.minAvailable).toBe(1);
    const service = find(docs, 'Service', 'pullguard')!;
    expect(service.spec.ports).toEqual([expect.objectContaining({ port: 443, targetPort: 'https' })]);
    expect(container.ports[0]).toMatchObject({ name: 'https', containerPort: 8443 });
  });

  it('mounts the generated ConfigMap and a valid policy whose budget fits the webhook timeout', () => {
    const volume = pod.volumes.find((v: Doc) => v.name === 'config');
    expect(volume.configMap.name).toBe(configMap.metadata.name);
    expect(container.args).toContain('--config=/etc/pullguard/config.yaml');
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      expect(find(docs, kind)!.webhooks[0].timeoutSeconds).toBe(timeoutSecondsFor(config.budgetMs));
    }
  });

  it('grants no wildcard, no delete, and confines writes to named objects where RBAC allows', () => {
    for (const role of docs.filter((d) => d.kind === 'ClusterRole' || d.kind === 'Role')) {
      for (const rule of role.rules) {
        expect(rule.verbs).not.toContain('*');
        expect(rule.verbs).not.toContain('delete');
        expect(rule.verbs).not.toContain('patch');
        expect(rule.resources).not.toContain('*');
      }
    }
    const ca = find(docs, 'ClusterRole', 'pullguard-webhook-ca')!;
    expect(ca.rules.flatMap((r: Doc) => r.resourceNames).sort()).toEqual(
      ['pullguard-mutating', 'pullguard-validating'].sort(),
    );
    const role = find(docs, 'Role', 'pullguard')!;
    const secretUpdate = role.rules.find(
      (r: Doc) => r.resources.includes('secrets') && r.verbs.includes('update'),
    );
    if (container.args.includes('--self-managed-certs')) {
      expect(container.args).toContain(`--cert-secret=${secretUpdate.resourceNames[0]}`);
      expect(container.args).toContain('--webhook-names=pullguard-validating,pullguard-mutating');
      expect(container.args).toContain('--service=pullguard.pullguard');
    }
  });
});

describe('overlays', () => {
  const policy = (dir: string) => {
    const docs = build(dir);
    const configMap = find(docs, 'ConfigMap')!;
    return {
      config: buildConfig(parse(configMap.data['config.yaml']), dir),
      failurePolicies: ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'].map(
        (kind) => find(docs, kind)!.webhooks[0].failurePolicy,
      ),
      docs,
    };
  };

  it('audit warns on every rule and fails open', () => {
    const { config, failurePolicies } = policy('manifests/overlays/audit');
    for (const id of RULE_IDS) expect(config.rules[id]).toBe('warn');
    expect(failurePolicies).toEqual(['Ignore', 'Ignore']);
  });

  it('enforce denies with the contract defaults and fails closed', () => {
    const { config, failurePolicies } = policy('manifests/overlays/enforce');
    expect(config.rules['image-reference-invalid']).toBe('deny');
    expect(config.rules['image-not-found']).toBe('deny');
    expect(config.rules['image-tag-mutable']).toBe('warn');
    expect(failurePolicies).toEqual(['Fail', 'Fail']);
  });

  it('cert-manager injects the CA and mounts its Secret instead of self-managing', () => {
    const { docs } = policy('manifests/overlays/cert-manager');
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      expect(find(docs, kind)!.metadata.annotations['cert-manager.io/inject-ca-from']).toBe(
        'pullguard/pullguard-serving',
      );
    }
    const pod = find(docs, 'Deployment')!.spec.template.spec;
    expect(pod.containers[0].args).not.toContain('--self-managed-certs');
    expect(pod.volumes.find((v: Doc) => v.name === 'tls').secret.secretName).toBe('pullguard-serving');
    expect(find(docs, 'Certificate')!.spec.dnsNames).toContain('pullguard.pullguard.svc');
  });
});
