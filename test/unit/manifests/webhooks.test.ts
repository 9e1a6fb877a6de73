import { readFile } from 'node:fs/promises';
import { isCelError, parse, run } from '@bufbuild/cel';
import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { loadConfigFile } from '../../../src/config/load.js';
import { renderWebhooksFromConfig } from '../../../src/manifests/render.js';
import {
  admissionRules,
  MATCH_CONDITIONS,
  timeoutSecondsFor,
  webhookConfigurations,
} from '../../../src/manifests/webhooks.js';
import { WORKLOAD_KINDS } from '../../../src/workload/walker.js';

const BASE_CONFIG = 'manifests/base/config.yaml';

describe('checked-in webhook configurations', () => {
  it('equal what the generator produces (run npm run manifests after changing it)', async () => {
    const checkedIn = await readFile('manifests/base/webhooks.yaml', 'utf8');
    expect(checkedIn).toBe(await renderWebhooksFromConfig(BASE_CONFIG));
  });

  it('time out one second or more after the packaged budget', async () => {
    const { budgetMs } = await loadConfigFile(BASE_CONFIG);
    const docs = parseAllDocuments(await readFile('manifests/base/webhooks.yaml', 'utf8')).map((d) =>
      d.toJS(),
    );
    for (const doc of docs) {
      const timeout = doc.webhooks[0].timeoutSeconds as number;
      expect(timeout * 1000 - budgetMs).toBeGreaterThanOrEqual(1000);
      expect(timeout).toBeLessThanOrEqual(30);
    }
  });
});

describe('timeoutSecondsFor', () => {
  it.each([
    [50, 2],
    [1000, 2],
    [1001, 3],
    [2000, 3],
    [28500, 30],
    [29000, 30],
  ])('budget %i ms -> %i s', (budget, seconds) => {
    expect(timeoutSecondsFor(budget)).toBe(seconds);
  });

  it('refuses a budget that is not positive', () => {
    expect(() => timeoutSecondsFor(0)).toThrow('budgetMs must be positive');
    expect(() => timeoutSecondsFor(Number.NaN)).toThrow('budgetMs must be positive');
  });
});

describe('webhookConfigurations', () => {
  const [validating, mutating] = webhookConfigurations({
    budgetMs: 2000,
    namespace: 'pg',
    serviceName: 'svc',
    failurePolicy: 'Fail',
    caBundle: 'PEM',
  }) as [Record<string, any>, Record<string, any>]; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('match every workload kind the walker reads, ephemeral containers included, on CREATE and UPDATE', () => {
    const resources = admissionRules().flatMap((rule) => rule.resources);
    expect(resources.sort()).toEqual(
      [
        'cronjobs',
        'daemonsets',
        'deployments',
        'jobs',
        'pods',
        'pods/ephemeralcontainers',
        'replicasets',
        'replicationcontrollers',
        'statefulsets',
      ].sort(),
    );
    expect(resources).toHaveLength(WORKLOAD_KINDS.length + 1);
    for (const rule of admissionRules()) expect(rule.operations).toEqual(['CREATE', 'UPDATE']);
  });

  it('refuses a workload kind without a known API resource', () => {
    expect(() => admissionRules(['Widget'])).toThrow('no API resource known for workload kind Widget');
  });

  it('carry the safety settings on both webhooks', () => {
    for (const config of [validating, mutating]) {
      const hook = config.webhooks[0];
      expect(hook.sideEffects).toBe('None');
      expect(hook.admissionReviewVersions).toEqual(['v1']);
      expect(hook.matchPolicy).toBe('Equivalent');
      expect(hook.failurePolicy).toBe('Fail');
      expect(hook.timeoutSeconds).toBe(3);
      expect(hook.clientConfig.service).toMatchObject({ name: 'svc', namespace: 'pg', port: 443 });
      expect(Buffer.from(hook.clientConfig.caBundle, 'base64').toString()).toBe('PEM');
      expect(hook.namespaceSelector.matchExpressions).toEqual([
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'pg'] },
        { key: 'pullguard.dev/ignore', operator: 'NotIn', values: ['true'] },
      ]);
    }
    expect(validating.webhooks[0].clientConfig.service.path).toBe('/validate');
    expect(mutating.webhooks[0].clientConfig.service.path).toBe('/mutate');
    expect(mutating.webhooks[0].reinvocationPolicy).toBe('IfNeeded');
    expect(validating.webhooks[0].reinvocationPolicy).toBeUndefined();
  });
});

describe('matchConditions (CEL)', () => {
  const template = (image: string) => ({
    metadata: { labels: { app: 'a' } },
    spec: { containers: [{ name: 'c', image }] },
  });
  const objects: Record<string, (image: string, replicas: number) => Record<string, unknown>> = {
    Pod: (image, replicas) => ({
      kind: 'Pod',
      metadata: { labels: { r: String(replicas) } },
      spec: template(image).spec,
    }),
    Deployment: (image, replicas) => ({ kind: 'Deployment', spec: { replicas, template: template(image) } }),
    StatefulSet: (image, replicas) => ({
      kind: 'StatefulSet',
      spec: { replicas, template: template(image) },
    }),
    DaemonSet: (image, replicas) => ({
      kind: 'DaemonSet',
      metadata: { labels: { r: String(replicas) } },
      spec: { template: template(image) },
    }),
    ReplicaSet: (image, replicas) => ({ kind: 'ReplicaSet', spec: { replicas, template: template(image) } }),
    ReplicationController: (image, replicas) => ({
      kind: 'ReplicationController',
      spec: { replicas, template: template(image) },
    }),
    Job: (image, replicas) => ({ kind: 'Job', spec: { parallelism: replicas, template: template(image) } }),
    CronJob: (image, replicas) => ({
      kind: 'CronJob',
      spec: { schedule: `${replicas} * * * *`, jobTemplate: { spec: { template: template(image) } } },
    }),
  };
  const evaluate = (kind: string, operation: string, object: unknown, oldObject: unknown) => {
    const results = MATCH_CONDITIONS.map((condition) =>
      run(condition.expression, {
        request: { operation, kind: { group: '', version: 'v1', kind } },
        object: object as never,
        oldObject: oldObject as never,
      }),
    );
    for (const result of results) if (isCelError(result)) throw new Error(String(result.message));
    return results.every((result) => result === true);
  };

  it('parse as CEL', () => {
    for (const condition of MATCH_CONDITIONS) expect(() => parse(condition.expression)).not.toThrow();
    for (const condition of MATCH_CONDITIONS)
      expect(condition.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it('cover every workload kind', () => {
    expect(Object.keys(objects).sort()).toEqual([...WORKLOAD_KINDS].sort());
  });

  it.each(Object.keys(objects))(
    '%s: call on CREATE and on a changed template, skip a scale or label edit',
    (kind) => {
      const make = objects[kind]!;
      expect(evaluate(kind, 'CREATE', make('nginx:1', 1), null)).toBe(true);
      expect(evaluate(kind, 'UPDATE', make('nginx:2', 1), make('nginx:1', 1))).toBe(true);
      expect(evaluate(kind, 'UPDATE', make('nginx:1', 3), make('nginx:1', 1))).toBe(false);
    },
  );

  it('call (never error) when a spec or template is missing on either side', () => {
    expect(evaluate('Deployment', 'UPDATE', { kind: 'Deployment' }, { kind: 'Deployment' })).toBe(true);
    expect(evaluate('Deployment', 'UPDATE', { spec: { replicas: 1 } }, { spec: { replicas: 2 } })).toBe(true);
    expect(evaluate('CronJob', 'UPDATE', { spec: {} }, { spec: { jobTemplate: {} } })).toBe(true);
    expect(evaluate('Pod', 'UPDATE', { spec: {} }, {})).toBe(true);
  });

  it('call on an ephemeral container added to a pod', () => {
    const pod = objects.Pod!('nginx:1', 1);
    const debugged = {
      ...pod,
      spec: { ...(pod.spec as object), ephemeralContainers: [{ name: 'd', image: 'busybox' }] },
    };
    expect(evaluate('Pod', 'UPDATE', debugged, pod)).toBe(true);
  });
});
