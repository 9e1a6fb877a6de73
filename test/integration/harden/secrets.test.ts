// Item 4: secrets never leak. Pods pull from the real basic-auth and token-auth test registries
// with right and wrong marker passwords held in Secrets; the webhook's answers, pino logs at debug
// level, the metrics text and the audit report in all four formats are scanned for the markers in
// every spelling. Any hit fails.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { request } from 'undici';
import { formatJson } from '../../../src/audit/format-json.js';
import { formatJunit } from '../../../src/audit/format-junit.js';
import { formatSarif } from '../../../src/audit/format-sarif.js';
import { formatText } from '../../../src/audit/format-text.js';
import { runAudit } from '../../../src/audit/run.js';
import { ManifestClusterView } from '../../../src/cluster/manifest-view.js';
import { buildConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/logger.js';
import { createRegistryProber, type ClosableRegistryProber } from '../../../src/registry/prober.js';
import { createApp } from '../../../src/server/app.js';
import { createAdmissionMetrics } from '../../../src/server/metrics.js';
import { recordFigure } from '../../harden/figures.js';
import { leakPatterns, scanner, type Marker } from '../../harden/leak-scan.js';
import {
  BASIC_USER,
  TOKEN_USER,
  startTestRegistries,
  type TestRegistries,
} from '../../support/registries/index.js';

const WRONG_BASIC: Marker = { username: BASIC_USER.username, password: 'leak-marker-basic-9d1c' };
const WRONG_TOKEN: Marker = { username: TOKEN_USER.username, password: 'leak-marker-token-55aa' };
const MARKERS = [BASIC_USER, TOKEN_USER, WRONG_BASIC, WRONG_TOKEN];

let registries: TestRegistries;
let dir: string;
let prober: ClosableRegistryProber;
let server: Server;
let base: string;
const logs: string[] = [];
const { result, scan } = scanner(leakPatterns(MARKERS));
const sources = new Set<string>();
const track = (source: string, text: string) => {
  sources.add(source.split(' ')[0] ?? source);
  scan(source, text);
};

function secret(name: string, host: string, marker: Marker) {
  const auth = Buffer.from(`${marker.username}:${marker.password}`).toString('base64');
  const config = JSON.stringify({ auths: { [host]: { auth } } });
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/dockerconfigjson',
    metadata: { name, namespace: 'team' },
    data: { '.dockerconfigjson': Buffer.from(config).toString('base64') },
  };
}

function pod(name: string, image: string, secretName: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'team' },
    spec: { imagePullSecrets: [{ name: secretName }], containers: [{ name: 'c', image }] },
  };
}

let secrets: object[];
let pods: object[];

beforeAll(async () => {
  registries = await startTestRegistries();
  dir = await mkdtemp(join(tmpdir(), 'pullguard-leaks-'));
  const basic = registries.basic.host;
  const token = registries.token.host;
  secrets = [
    secret('good-basic', basic, BASIC_USER),
    secret('wrong-basic', basic, WRONG_BASIC),
    secret('good-token', token, TOKEN_USER),
    secret('wrong-token', token, WRONG_TOKEN),
  ];
  pods = [];
  for (const [host, good, wrong] of [
    [basic, 'good-basic', 'wrong-basic'],
    [token, 'good-token', 'wrong-token'],
  ] as const) {
    for (const image of ['app/normal:1.0', 'app/missing:1.0', 'app/arm-oci:1.0', 'app/normal']) {
      pods.push(pod(`p${pods.length}`, `${host}/${image}`, good));
      pods.push(pod(`p${pods.length}`, `${host}/${image}`, wrong));
    }
  }
  const config = buildConfig({
    registries: [
      { prefix: basic, ca: registries.caCert, private: true, pullSecret: 'good-basic' },
      { prefix: token, insecure: true, private: true, pullSecret: 'good-token' },
    ],
    rules: { 'image-tag-mutable': 'patch', 'pull-secret-missing': 'patch' },
    budgetMs: 10_000,
  });
  const metrics = createAdmissionMetrics(new Registry());
  prober = createRegistryProber(config, { metrics: metrics.registry });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  server = createServer(
    createApp({
      config: () => config,
      sources: { prober, cluster: new ManifestClusterView(secrets) },
      logger: createLogger('debug', sink),
      metrics,
      ready: () => true,
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  await prober?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await registries?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  recordFigure({
    item: '4-secrets',
    title: 'Secrets never leak',
    pass: result.hits.length === 0 && result.bytes > 0,
    table: [
      ['outputs scanned', 'bytes scanned', 'hits'],
      [[...sources].join(', '), result.bytes, result.hits.length],
    ],
    notes: result.hits.slice(0, 5),
  });
});

async function post(path: string, body: unknown): Promise<string> {
  const answer = await request(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return answer.body.text();
}

describe('secrets never leak', () => {
  it('keeps marker passwords and tokens out of answers, logs, metrics and audit reports', async () => {
    for (const [index, object] of pods.entries()) {
      for (const path of ['/validate', '/mutate']) {
        const text = await post(path, {
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          request: { uid: `u${index}`, operation: 'CREATE', namespace: 'team', object },
        });
        track(`answers ${path}`, text);
        const patch = (JSON.parse(text) as { response?: { patch?: string } }).response?.patch;
        if (patch) track('patches', Buffer.from(patch, 'base64').toString('utf8'));
      }
    }
    track('metrics', await (await request(`${base}/metrics`)).body.text());

    const file = join(dir, 'all.yaml');
    await writeFile(file, [...secrets, ...pods].map((o) => JSON.stringify(o)).join('\n---\n'));
    const report = await runAudit(
      {
        paths: [file],
        config: buildConfig({
          registries: [
            { prefix: registries.basic.host, ca: registries.caCert },
            { prefix: registries.token.host, insecure: true },
          ],
        }),
      },
      {
        prober,
        manifestView: (objects) => new ManifestClusterView([...objects.secrets, ...objects.serviceAccounts]),
      },
    );
    track('audit-text', formatText(report, { color: false }));
    track('audit-json', formatJson(report));
    track('audit-sarif', formatSarif(report, { baseDir: dir }));
    track('audit-junit', formatJunit(report));
    track('logs', logs.join(''));

    // The flows really used the credentials: rejected ones were reported, good ones pulled.
    expect(report.findings.map((f) => f.rule)).toContain('pull-credentials-rejected');
    expect(report.findings.map((f) => f.rule)).toContain('image-not-found');
    expect(logs.length).toBeGreaterThan(pods.length);
    expect(result.hits).toEqual([]);
  }, 180_000);

  it('would notice a leaked Authorization header (the scan itself works)', () => {
    const selfTest = scanner(leakPatterns(MARKERS));
    const header = Buffer.from(`${WRONG_TOKEN.username}:${WRONG_TOKEN.password}`).toString('base64');
    selfTest.scan('self-test', `{"authorization":"Basic ${header}"}`);
    selfTest.scan('self-test', `password=${encodeURIComponent(BASIC_USER.password)}`);
    expect(selfTest.result.hits).toHaveLength(2);
  });
});
