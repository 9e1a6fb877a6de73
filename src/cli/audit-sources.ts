// The fact sources `pullguard audit` can use in this build: the one place where the registry
// prober, the cluster reader and the manifest view are plugged into the audit command.

import { ClusterReader } from '../cluster/reader.js';
import { ManifestClusterView } from '../cluster/manifest-view.js';
import type { AuditSourceFactories } from './audit.js';

/** How long `--cluster` waits for the first list of Secrets, ServiceAccounts and Nodes. */
const CLUSTER_SYNC_TIMEOUT_MS = 30_000;

export function defaultAuditSources(): AuditSourceFactories {
  let live: ClusterReader | undefined;
  return {
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
      } catch (error) {
        live.stop();
        throw error;
      } finally {
        clearTimeout(timer);
      }
      // Audit reads once; stop watching so the process can exit when done.
      live.stop();
      return live;
    },
    manifestView: (objects) =>
      new ManifestClusterView(
        [...objects.secrets, ...objects.serviceAccounts],
        live ? { fallback: live } : {},
      ),
  };
}
