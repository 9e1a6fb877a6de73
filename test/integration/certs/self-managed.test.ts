import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { GENERATION_ANNOTATION, secretStore, webhookCaTarget } from '../../../src/certs/k8s-adapters.js';
import { SelfManagedCertificates } from '../../../src/certs/self-managed.js';
import { createLogger } from '../../../src/logger.js';
import { startHttpsServer } from '../../../src/server/https.js';
import { FakeObjectApi } from './fake-object-api.js';

const SECRET = '/api/v1/namespaces/pullguard/secrets/pullguard-tls';
const VALIDATING = '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/pullguard-validating';
const MUTATING = '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/pullguard-mutating';
const DAY = 86_400_000;
const logger = createLogger('silent');

function webhookConfiguration(kind: string, name: string, path: string) {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind,
    metadata: { name },
    webhooks: [
      {
        name: `${path}.pullguard.dev`,
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        clientConfig: { service: { name: 'pullguard', namespace: 'pullguard', path: `/${path}`, port: 443 } },
      },
    ],
  };
}

const caBundleOf = (api: FakeObjectApi, path: string) => {
  const hooks = api.get(path)?.webhooks as { clientConfig: { caBundle?: string } }[];
  return Buffer.from(hooks[0]?.clientConfig.caBundle ?? '', 'base64').toString();
};
const certsIn = (bundle: string) => bundle.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];

describe('self-managed certificates against a loopback API', () => {
  let api: FakeObjectApi;
  let kubeConfig: KubeConfig;
  let dir: string;
  let clock: Date;

  const replica = (name: string) =>
    new SelfManagedCertificates({
      store: secretStore(kubeConfig, 'pullguard', 'pullguard-tls'),
      targets: [
        webhookCaTarget(kubeConfig, 'validating', 'pullguard-validating'),
        webhookCaTarget(kubeConfig, 'mutating', 'pullguard-mutating'),
      ],
      certFile: join(dir, name, 'tls.crt'),
      keyFile: join(dir, name, 'tls.key'),
      dnsNames: ['pullguard.pullguard.svc', 'pullguard.pullguard.svc.cluster.local'],
      validityDays: 3,
      rotateFraction: 1 / 3,
      now: () => clock,
      logger,
      keyBits: 1024,
    });

  beforeEach(async () => {
    api = new FakeObjectApi();
    const url = await api.start();
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    api.put(VALIDATING, webhookConfiguration('ValidatingWebhookConfiguration', 'pullguard-validating', 'validate'));
    api.put(MUTATING, webhookConfiguration('MutatingWebhookConfiguration', 'pullguard-mutating', 'mutate'));
    dir = await mkdtemp(join(tmpdir(), 'pullguard-certs-'));
    clock = new Date('2030-01-01T00:00:00Z');
  });

  afterEach(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('two replicas starting together end up with one Secret, the same certificate, and caBundle set', async () => {
    const [a, b] = await Promise.all([replica('a').refresh(), replica('b').refresh()]);
    expect(a.cert).toBe(b.cert);
    expect(api.writes.filter((w) => w.startsWith('create'))).toEqual([`create ${SECRET}`]);
    const certA = await readFile(join(dir, 'a', 'tls.crt'), 'utf8');
    expect(certA).toBe(await readFile(join(dir, 'b', 'tls.crt'), 'utf8'));
    const serving = new X509Certificate(certA);
    expect(serving.subjectAltName).toBe('DNS:pullguard.pullguard.svc, DNS:pullguard.pullguard.svc.cluster.local');
    for (const path of [VALIDATING, MUTATING]) {
      const [ca] = certsIn(caBundleOf(api, path));
      expect(serving.verify(new X509Certificate(ca!).publicKey)).toBe(true);
      expect((api.get(path)?.metadata.annotations as Record<string, string>)[GENERATION_ANNOTATION]).toBe('1');
    }
    const secret = api.get(SECRET)!;
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(Buffer.from((secret.data as Record<string, string>)['tls.crt']!, 'base64').toString()).toBe(certA);
  });

  it('rotates when less than a third of the validity remains; the webhooks trust old and new CA meanwhile', async () => {
    const first = await replica('a').refresh();
    const b = replica('b');
    await b.refresh();
    clock = new Date(clock.getTime() + 1.5 * DAY); // half the validity left: no rotation yet
    expect((await replica('a').refresh()).generation).toBe(1);

    clock = new Date(clock.getTime() + 0.6 * DAY); // 0.9 days of 3 left
    const rotated = await replica('a').refresh();
    expect(rotated.generation).toBe(2);
    expect(rotated.cert).not.toBe(first.cert);
    const bundle = caBundleOf(api, VALIDATING);
    expect(certsIn(bundle)).toHaveLength(2);
    expect(bundle).toBe(caBundleOf(api, MUTATING));
    const cas = certsIn(bundle).map((pem) => new X509Certificate(pem));
    for (const cert of [first.cert, rotated.cert]) {
      const x = new X509Certificate(cert);
      expect(cas.some((ca) => x.verify(ca.publicKey))).toBe(true);
    }

    // The other replica adopts the rotated certificate without issuing its own.
    const writesBefore = api.writes.length;
    const adopted = await b.refresh();
    expect(adopted.cert).toBe(rotated.cert);
    expect(api.writes.length).toBe(writesBefore);
    expect(await readFile(join(dir, 'b', 'tls.crt'), 'utf8')).toBe(rotated.cert);
  });

  it('drops the previous CA from the bundle once its certificate has expired', async () => {
    await replica('a').refresh();
    clock = new Date(clock.getTime() + 2.5 * DAY);
    await replica('a').refresh(); // generation 2, bundle of two CAs
    clock = new Date(clock.getTime() + 2.5 * DAY); // generation 1 expired, generation 2 expiring
    const third = await replica('a').refresh();
    expect(third.generation).toBe(3);
    expect(certsIn(caBundleOf(api, VALIDATING))).toHaveLength(2);
    expect(certsIn(third.caBundle)[0]).toBe(certsIn(third.ca)[0]);
  });

  it('a replica that lost the race adopts the winner instead of overwriting it', async () => {
    await replica('a').refresh();
    clock = new Date(clock.getTime() + 2.5 * DAY);
    // Between b's read and b's update, a rotates: b's update carries a stale resourceVersion.
    let raced = false;
    const a = replica('a');
    const racing = new Promise<void>((resolve) => {
      api.afterGet = (path) => {
        if (path !== SECRET || raced) return;
        raced = true;
        api.afterGet = undefined;
        void a.refresh().then(() => resolve());
      };
    });
    const b = replica('b');
    const [fromB] = await Promise.all([b.refresh().catch((e: Error) => e), racing]);
    const stored = api.get(SECRET)!;
    const finalCert = Buffer.from((stored.data as Record<string, string>)['tls.crt']!, 'base64').toString();
    expect(fromB).not.toBeInstanceOf(Error);
    expect((fromB as { cert: string }).cert).toBe(finalCert);
    expect(stored.metadata.annotations).toEqual({ [GENERATION_ANNOTATION]: '2' });
    expect(await readFile(join(dir, 'b', 'tls.crt'), 'utf8')).toBe(finalCert);
  });

  it('serves even when a webhook configuration is missing, and fills it at the next refresh', async () => {
    api.objects.delete(VALIDATING);
    const manager = replica('a');
    await manager.refresh();
    expect(caBundleOf(api, MUTATING)).toContain('BEGIN CERTIFICATE');
    api.put(VALIDATING, webhookConfiguration('ValidatingWebhookConfiguration', 'pullguard-validating', 'validate'));
    await manager.refresh();
    expect(caBundleOf(api, VALIDATING)).toBe(caBundleOf(api, MUTATING));
  });

  it('never puts an older generation back into caBundle', async () => {
    const a = await replica('a').refresh();
    clock = new Date(clock.getTime() + 2.5 * DAY);
    await replica('b').refresh();
    const newest = caBundleOf(api, VALIDATING);
    const stale = webhookCaTarget(kubeConfig, 'validating', 'pullguard-validating');
    expect(await stale.ensure(a.caBundle, a.generation)).toBe(false);
    expect(caBundleOf(api, VALIDATING)).toBe(newest);
  });

  it('the HTTPS server serves the rotated certificate without a restart', async () => {
    // A real TLS handshake checks validity against the real time: issue 2.5 days ago (half a
    // day left), then rotate now.
    clock = new Date(Date.now() - 2.5 * DAY);
    const manager = replica('a');
    const first = await manager.refresh();
    const server = await startHttpsServer((_req, res) => res.end('ok'), {
      port: 0,
      host: '127.0.0.1',
      certFile: join(dir, 'a', 'tls.crt'),
      keyFile: join(dir, 'a', 'tls.key'),
      logger,
      reloadIntervalMs: 3_600_000,
      drainMs: 0,
    });
    const served = () =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(
          { host: '127.0.0.1', port: server.port, servername: 'pullguard.pullguard.svc', ca: caBundleOf(api, VALIDATING) },
          () => {
            const serial = socket.getPeerX509Certificate()?.serialNumber ?? '';
            socket.end();
            resolve(serial);
          },
        );
        socket.on('error', reject);
      });
    try {
      expect(await served()).toBe(new X509Certificate(first.cert).serialNumber);
      clock = new Date();
      const rotated = await manager.refresh();
      expect(server.reload()).toBe(true);
      expect(await served()).toBe(new X509Certificate(rotated.cert).serialNumber);
    } finally {
      await server.close(100);
    }
  });
});
