// The fact sources `pullguard audit` can use in this build: the one place where the registry
// prober, the cluster reader and the manifest view are plugged into the audit command.

import { readFile } from 'node:fs/promises';
import { ClusterReader } from '../cluster/reader.js';
import { ManifestClusterView } from '../cluster/manifest-view.js';
import { parseDockerConfigFile } from '../credentials/docker-config.js';
import { createRegistryProber, type ClosableRegistryProber } from '../registry/prober.js';
import { withToolCredentials } from '../registry/tool-credentials.js';
import type { AuditSourceFactories } from './audit.js';
import { UsageError } from './errors.js';

/** How long `--cluster` waits for the first list of Secrets, ServiceAccounts and Nodes. */
const CLUSTER_SYNC_TIMEOUT_MS = 30_000;

export function defaultAuditSources(): AuditSourceFactories {
  let live: ClusterReader | undefined;
  let prober: ClosableRegistryProber | undefined;
  return {
    registry: async ({ config, dockerConfigPath }) => {
      prober = createRegistryProber(config);
      if (!dockerConfigPath) return prober;
      let text: string;
      try {
        text = await readFile(dockerConfigPath, 'utf8');
      } catch (error) {
        throw new UsageError(
          `${dockerConfigPath}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        );
      }
      const parsed = parseDockerConfigFile(text, dockerConfigPath);
      if (parsed.invalid) throw new UsageError(parsed.invalid);
      return withToolCredentials(prober, parsed.credentials);
    },
    cluster: async () => {
      live = ClusterReader.fromKubeconfig(process.env.KUBECONFIG?.split(':')[0] || undefined).start();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `--cluster: the Kubernetes API did not answer within ${CLUSTER_SYNC_TIMEOUT_MS / 1000} s`,
              ),
            ),
          CLUSTER_SYNC_TIMEOUT_MS,
        );
      });
      try {
        await Promise.race([live.ready(), timeout]);
      } finally {
        clearTimeout(timer);
        // Audit reads once; stop watching so the process can exit when done.
        live.stop();
      }
      return live;
    },
    manifestView: (objects) =>
      new ManifestClusterView(
        [...objects.secrets, ...objects.serviceAccounts],
        live ? { fallback: live } : {},
      ),
    close: async () => {
      await prober?.close();
    },
  };
}
