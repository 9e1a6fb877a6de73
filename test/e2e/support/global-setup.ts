// Global setup of the e2e project: checks the machine can host the testbed (else every test
// skips with one line saying why, or, under CI=true, the run fails), builds the Kubernetes
// binaries (cached), brings the testbed up, builds pullguard and deploys it.

import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { deployPullguard } from './deploy.js';
import { testbedUnsupportedReason } from './host.js';
import { freePort } from '../../support/registries/processes.js';
import { parseExports, runCommand, runScript } from './scripts.js';
import { writeState, type Testbed } from './state.js';

export default async function globalSetup(): Promise<void> {
  const reason = testbedUnsupportedReason();
  if (reason) {
    if (process.env.CI === 'true') throw new Error(`e2e: CI=true, and the testbed cannot start: ${reason}`);
    console.log(`\ne2e: skipping every end-to-end test: ${reason}`);
    writeState({ skip: reason });
    return;
  }
  const startedTestbed = !testbedRunning();
  await runScript('build.sh');
  const exports = parseExports(await runScript('up.sh'));
  const testbed = testbedFrom(exports);
  Object.assign(process.env, exports); // kubectl during setup; workers inherit it
  await runCommand('npm', ['run', 'build', '--silent']);
  const pullguard = await deployPullguard(testbed, await freePort());
  writeState({ testbed, pullguard, startedTestbed, runId: randomBytes(4).toString('hex') });
}

function testbedFrom(exports: Record<string, string>): Testbed {
  const need = (name: string) => {
    const value = exports[name];
    if (!value) throw new Error(`up.sh printed no ${name}`);
    return value;
  };
  return {
    kubeconfig: need('KUBECONFIG'),
    dir: need('PULLGUARD_TESTBED_DIR'),
    registryPlain: need('PULLGUARD_REGISTRY_PLAIN'),
    registryTls: need('PULLGUARD_REGISTRY_TLS'),
    registryUser: need('PULLGUARD_REGISTRY_USER'),
    registryPass: need('PULLGUARD_REGISTRY_PASS'),
    ca: need('PULLGUARD_TESTBED_CA'),
  };
}

/** Someone else's testbed is already up: teardown then leaves it running. */
function testbedRunning(): boolean {
  const dir = process.env.PULLGUARD_TESTBED_DIR ?? '/tmp/pullguard-testbed';
  try {
    const pid = Number(readFileSync(join(dir, 'run/kube-apiserver.pid'), 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
