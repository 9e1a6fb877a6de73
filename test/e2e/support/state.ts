// What the global setup hands to the test files: where the testbed is, how pullguard runs, or
// why the suite skips. Global setup runs in jest's parent process, so it is passed in a file
// whose path is in the environment (inherited by the test workers).

import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How pullguard is deployed for the suite (see deploy.ts). */
export type DeployMode = 'host' | 'cluster';

export interface Testbed {
  readonly kubeconfig: string;
  readonly dir: string;
  readonly registryPlain: string;
  readonly registryTls: string;
  readonly registryUser: string;
  readonly registryPass: string;
  /** CA (PEM file) of the cluster and of the TLS registry's certificate. */
  readonly ca: string;
}

export interface PullguardDeployment {
  readonly mode: DeployMode;
  /** Base URL of the serving process as the test process reaches it (metrics, readiness). */
  readonly url: string;
  /** CA that signed the webhook's serving certificate. */
  readonly caFile: string;
  readonly configFile: string;
  /** Host mode: the command line that starts the server again after a test stopped it. */
  readonly command?: readonly string[];
  readonly logFile?: string;
}

export type E2EState =
  | { readonly skip: string }
  | {
      readonly skip?: undefined;
      readonly testbed: Testbed;
      readonly pullguard: PullguardDeployment;
      /** The setup brought the testbed up (teardown only stops what it started). */
      readonly startedTestbed: boolean;
      /** Unique per run, for image tags and names that must not be cached on the node. */
      readonly runId: string;
    };

export const STATE_ENV = 'PULLGUARD_E2E_STATE';

export function statePath(): string {
  return process.env[STATE_ENV] ?? join(tmpdir(), `pullguard-e2e-state-${process.getuid?.() ?? 0}.json`);
}

export function writeState(state: E2EState): void {
  process.env[STATE_ENV] = statePath();
  writeFileSync(statePath(), `${JSON.stringify(state, null, 2)}\n`);
}

export function readState(): E2EState {
  try {
    return JSON.parse(readFileSync(statePath(), 'utf8')) as E2EState;
  } catch (error) {
    return {
      skip: `no e2e state at ${statePath()} (${(error as Error).message}); run through jest's e2e project`,
    };
  }
}
