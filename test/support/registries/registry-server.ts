// Starts Debian's `docker-registry` (distribution 2.8) on a free loopback port in its own
// temporary directory: plain HTTP, TLS with htpasswd basic auth, or Bearer tokens from our server.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, run, waitForPort } from './processes.js';

export type RegistryAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'htpasswd'; readonly users: Readonly<Record<string, string>> }
  | {
      readonly kind: 'token';
      readonly realm: string;
      readonly service: string;
      readonly issuer: string;
      readonly rootCertFile: string;
    };

export interface RegistryOptions {
  readonly dir: string;
  readonly auth: RegistryAuth;
  readonly tls?: { readonly cert: string; readonly key: string };
}

export interface RegistryServer {
  readonly port: number;
  /** `127.0.0.1:PORT`, the registry part of image references. */
  readonly host: string;
  stop(): Promise<void>;
}

export async function startRegistry(options: RegistryOptions): Promise<RegistryServer> {
  const port = await freePort();
  await mkdir(join(options.dir, 'data'), { recursive: true });
  const lines = [
    'version: 0.1',
    'log: { level: error, accesslog: { disabled: true } }',
    `storage: { filesystem: { rootdirectory: ${JSON.stringify(join(options.dir, 'data'))} } }`,
    'http:',
    `  addr: 127.0.0.1:${port}`,
    ...(options.tls
      ? [
          '  tls:',
          `    certificate: ${JSON.stringify(options.tls.cert)}`,
          `    key: ${JSON.stringify(options.tls.key)}`,
        ]
      : []),
    ...(await authLines(options)),
  ];
  const configFile = join(options.dir, 'config.yml');
  await writeFile(configFile, `${lines.join('\n')}\n`);
  const child: ChildProcess = spawn('docker-registry', ['serve', configFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 8192) stderr += chunk.toString();
  });
  try {
    await waitForPort(port);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`docker-registry did not start: ${(error as Error).message}\n${stderr}`);
  }
  return {
    port,
    host: `127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function authLines(options: RegistryOptions): Promise<string[]> {
  const { auth } = options;
  if (auth.kind === 'none') return [];
  if (auth.kind === 'htpasswd') {
    const file = join(options.dir, 'htpasswd');
    let content = '';
    for (const [user, password] of Object.entries(auth.users))
      content += await run('htpasswd', ['-Bbn', user, password]);
    await writeFile(file, content);
    return ['auth:', '  htpasswd:', '    realm: pullguard-test', `    path: ${JSON.stringify(file)}`];
  }
  return [
    'auth:',
    '  token:',
    `    realm: ${JSON.stringify(auth.realm)}`,
    `    service: ${JSON.stringify(auth.service)}`,
    `    issuer: ${JSON.stringify(auth.issuer)}`,
    `    rootcertbundle: ${JSON.stringify(auth.rootCertFile)}`,
  ];
}
