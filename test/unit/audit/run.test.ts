import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAudit } from '../../../src/audit/run.js';
import { DEFAULT_CONFIG } from '../../../src/config/load.js';
import type { ImageFacts, PullSecretFacts } from '../../../src/core/facts.js';
import type { ClusterView, ProbeRequest, RegistryProber } from '../../../src/core/gather.js';
import { BROKEN, MIXED, writeTree } from './fixtures.js';

const config = DEFAULT_CONFIG;

describe('runAudit', () => {
  it('judges every workload and points each finding at its image line', async () => {
    const root = writeTree({ 'app.yaml': MIXED });
    const report = await runAudit({ paths: [root], config });
    expect(report.resources.map((r) => `${r.kind}/${r.name}`)).toEqual([
      'Deployment/web',
      'Pod/broken',
      'Job/clean',
    ]);
    expect(report.findings.map((f) => `${f.name}/${f.container}/${f.rule}/${f.action}`)).toEqual([
      'web/sidecar/image-tag-mutable/warn',
      'broken/init/image-reference-invalid/deny',
      'broken/main/pull-policy-never/warn',
      'broken/main/pull-policy-never-absent/warn',
    ]);
    const lines = readFileSync(join(root, 'app.yaml'), 'utf8').split('\n');
    for (const finding of report.findings) {
      expect(lines[finding.line - 1]).toContain(
        `image: ${finding.image.startsWith('R') ? `"${finding.image}"` : finding.image}`,
      );
    }
    expect(report.summary).toEqual({ deny: 1, warn: 3, patch: 0, resources: 3 });
    expect(report.findings[0]?.namespace).toBe('shop');
    expect(report.findings[1]?.namespace).toBeNull();
  });

  it('expands Lists, collects Secrets and ServiceAccounts, and counts what it skips', async () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'regcred' },
          type: 'kubernetes.io/dockerconfigjson',
        },
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } },
        {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          metadata: { name: 'agent' },
          spec: { template: { spec: { containers: [{ name: 'a', image: 'agent' }] } } },
        },
      ],
    };
    const text = JSON.stringify(list, null, 2);
    const root = writeTree({ 'list.json': text, 'notes.yaml': 'title: not kubernetes\n' });
    const report = await runAudit({ paths: [root], config });
    expect(report.resources.map((r) => r.kind)).toEqual(['DaemonSet']);
    expect(report.manifestFacts).toEqual({ secrets: 1, serviceAccounts: 1 });
    expect(report.skipped).toEqual({ notKubernetes: 1, notWorkload: 1 });
    const imageLine = text.split('\n').findIndex((line) => line.includes('"image": "agent"')) + 1;
    expect(report.findings).toEqual([
      expect.objectContaining({ rule: 'image-tag-mutable', line: imageLine }),
    ]);
  });

  it('reports a broken document and still audits the rest', async () => {
    const root = writeTree({ 'broken.yaml': BROKEN });
    const report = await runAudit({ paths: [join(root, 'broken.yaml'), join(root, 'absent.yaml')], config });
    expect(report.resources.map((r) => r.name)).toEqual(['fine']);
    expect(report.problems).toEqual([
      { source: join(root, 'absent.yaml'), message: 'cannot read: no such file or directory' },
      expect.objectContaining({ source: join(root, 'broken.yaml'), document: 2, line: 10 }),
    ]);
  });

  it('reads stdin for -', async () => {
    const report = await runAudit({ paths: ['-'], config, readStdin: () => Promise.resolve(MIXED) });
    expect(report.findings.every((f) => f.file === '<stdin>')).toBe(true);
    expect(report.summary.resources).toBe(3);
  });

  it('hands manifest Secrets to the manifest view, and probes through the injected prober', async () => {
    const secret = `apiVersion: v1\nkind: Secret\nmetadata: {name: regcred, namespace: shop}\ntype: kubernetes.io/dockerconfigjson\n`;
    const root = writeTree({ 'app.yaml': MIXED, 'secret.yaml': secret });
    const fallback: ClusterView = { pullSecrets: () => ({ unknown: 'fallback' }), nodes: () => undefined };
    const seenSecrets: string[] = [];
    const asked: string[] = [];
    const requests: ProbeRequest[] = [];
    const none: PullSecretFacts = { source: 'none', secrets: [] };
    const prober: RegistryProber = {
      probe(batch) {
        requests.push(...batch);
        return Promise.resolve(new Map<string, ImageFacts>());
      },
    };
    const report = await runAudit(
      { paths: [root], config },
      {
        cluster: fallback,
        prober,
        manifestView: (objects, given) => {
          seenSecrets.push(...objects.secrets.map((s) => String((s.metadata as { name: string }).name)));
          expect(given).toBe(fallback);
          return {
            pullSecrets: (namespace) => {
              asked.push(String(namespace));
              return none;
            },
            nodes: () => undefined,
          };
        },
      },
    );
    expect(seenSecrets).toEqual(['regcred']);
    expect(asked).toEqual(['shop', 'null', 'null']);
    expect(requests.map((r) => r.pointer)).toContain('/spec/template/spec/containers/1');
    expect(report.notes).toEqual([]);
  });

  it('keeps auditing when a fact source fails, with a note', async () => {
    const root = writeTree({ 'app.yaml': MIXED });
    const prober: RegistryProber = { probe: () => Promise.reject(new Error('prober exploded')) };
    const report = await runAudit({ paths: [root], config }, { prober });
    expect(report.summary.resources).toBe(3);
    expect(report.summary.deny).toBe(1);
    // The third resource has only an invalid image and a Never container: nothing to probe.
    expect(report.notes).toHaveLength(2);
    expect(report.notes[0]).toContain('prober exploded');
  });
});
