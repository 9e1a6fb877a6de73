import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterReader } from '../../../src/cluster/reader.js';
import { FakeApiServer } from './fake-apiserver.js';

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const dockerSecret = (name: string, host: string) => ({
  metadata: { name, namespace: 'team' },
  type: 'kubernetes.io/dockerconfigjson',
  data: { '.dockerconfigjson': b64(JSON.stringify({ auths: { [host]: { auth: b64('u:p') } } })) },
});
const sa = (name: string, secrets: string[]) => ({
  metadata: { name, namespace: 'team' },
  imagePullSecrets: secrets.map((s) => ({ name: s })),
});
const node = (name: string, images: string[]) => ({
  metadata: { name, labels: { 'kubernetes.io/arch': 'amd64' } },
  status: {
    nodeInfo: { architecture: 'arm64', operatingSystem: 'linux' },
    images: [{ names: images, sizeBytes: 1 }],
  },
});

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function secretNames(reader: ClusterReader, serviceAccountName = 'default'): string[] | string {
  const facts = reader.pullSecrets('team', { serviceAccountName, containers: [] });
  return 'unknown' in facts
    ? facts.unknown
    : facts.secrets.filter((s) => s.status === 'found').map((s) => s.name);
}

describe('ClusterReader list+watch against a loopback API server', () => {
  let server: FakeApiServer;
  let reader: ClusterReader;

  beforeEach(async () => {
    server = new FakeApiServer();
    server.seed('serviceaccounts', [sa('default', ['regcred'])]);
    server.seed('secrets', [
      dockerSecret('regcred', 'registry.corp.example'),
      {
        metadata: { name: 'tls', namespace: 'team' },
        type: 'kubernetes.io/tls',
        data: { 'tls.key': b64('k') },
      },
    ]);
    server.seed('nodes', [node('n1', ['docker.io/library/nginx:1.27'])]);
    const url = await server.start();
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    reader = ClusterReader.fromConfig(config, { initialBackoffMs: 20, maxBackoffMs: 100 });
  });

  afterEach(async () => {
    reader.stop();
    await server.close();
  });

  it('is not ready and answers unknown until the caches are listed', async () => {
    expect(reader.isReady()).toBe(false);
    expect(reader.pullSecrets('team', {})).toEqual({ unknown: expect.stringContaining('not yet read') });
    reader.start();
    await reader.ready();
    expect(reader.isReady()).toBe(true);
    expect(secretNames(reader)).toEqual(['regcred']);
    expect(reader.nodes({})?.candidates.map((n) => [n.name, n.platform.architecture, n.images])).toEqual([
      ['n1', 'arm64', ['docker.io/library/nginx:1.27']],
    ]);
  });

  it('asks only for the two docker config secret types, by field selector', async () => {
    reader.start();
    await reader.ready();
    const secretRequests = server.requests.filter((r) => r.startsWith('/api/v1/secrets'));
    const selectors = new Set(
      secretRequests.map((r) => new URL(r, 'http://x').searchParams.get('fieldSelector')),
    );
    expect(selectors).toEqual(
      new Set(['type=kubernetes.io/dockerconfigjson', 'type=kubernetes.io/dockercfg']),
    );
    const tls = reader.state.secret('team', 'tls');
    expect(tls.status).toBe('not-found');
  });

  it('applies watch events', async () => {
    reader.start();
    await reader.ready();
    await eventually(
      () => server.openWatches('serviceaccounts') === 1 && server.openWatches('secrets') === 2,
      'watches',
    );
    server.emit('secrets', 'ADDED', dockerSecret('other', 'quay.io'));
    server.emit('serviceaccounts', 'MODIFIED', sa('default', ['regcred', 'other']));
    await eventually(() => JSON.stringify(secretNames(reader)) === '["regcred","other"]', 'watch events');
    server.emit('secrets', 'DELETED', dockerSecret('regcred', 'registry.corp.example'));
    await eventually(() => JSON.stringify(secretNames(reader)) === '["other"]', 'delete event');
  });

  it('resumes a watch the server closed from the last resourceVersion without re-listing', async () => {
    reader.start();
    await reader.ready();
    await eventually(() => server.openWatches('serviceaccounts') === 1, 'watch');
    server.emit('serviceaccounts', 'ADDED', sa('builder', []));
    await eventually(() => reader.state.serviceAccount('team', 'builder').status === 'found', 'event');
    const lists = (): number =>
      server.requests.filter((r) => r.startsWith('/api/v1/serviceaccounts') && !r.includes('watch=true'))
        .length;
    const listsBefore = lists();
    server.closeWatches('serviceaccounts');
    await eventually(() => server.openWatches('serviceaccounts') === 1, 're-watch');
    const rewatch = server.requests
      .filter((r) => r.startsWith('/api/v1/serviceaccounts') && r.includes('watch=true'))
      .at(-1);
    expect(new URL(rewatch ?? '', 'http://x').searchParams.get('resourceVersion')).not.toBe('');
    expect(lists()).toBe(listsBefore);
    server.emit('serviceaccounts', 'MODIFIED', sa('default', []));
    await eventually(() => JSON.stringify(secretNames(reader)) === '[]', 'event after re-watch');
  });

  it('re-lists after a dropped connection and catches up on missed changes', async () => {
    reader.start();
    await reader.ready();
    await eventually(() => server.openWatches('secrets') === 2, 'watches');
    server.replaceSilently('secrets', [dockerSecret('rotated', 'registry.corp.example')]);
    server.dropWatches('secrets');
    await eventually(() => reader.state.secret('team', 'rotated').status === 'found', 're-list');
    expect(reader.state.secret('team', 'regcred').status).toBe('not-found');
  });

  it('re-lists after 410 Gone and picks up what it missed', async () => {
    reader.start();
    await reader.ready();
    await eventually(() => server.openWatches('serviceaccounts') === 1, 'watch');
    server.replaceSilently('serviceaccounts', [sa('default', ['fresh'])]);
    server.expireWatches('serviceaccounts');
    await eventually(
      () =>
        reader.state.serviceAccount('team', 'default').status === 'found' &&
        JSON.stringify(reader.pullSecrets('team', {})).includes('fresh'),
      're-list',
    );
  });

  it('reports the API as unreachable when lists fail, and recovers', async () => {
    reader.start();
    await reader.ready();
    await eventually(() => server.openWatches('serviceaccounts') === 1, 'watch');
    server.listFailure = 503;
    server.expireWatches('serviceaccounts');
    await eventually(() => 'unknown' in reader.pullSecrets('team', {}), 'unknown');
    expect(reader.pullSecrets('team', {})).toEqual({
      unknown: expect.stringMatching(/unreachable.*HTTP 503/),
    });
    server.listFailure = undefined;
    await eventually(() => !('unknown' in reader.pullSecrets('team', {})), 'recovery');
  });
});
