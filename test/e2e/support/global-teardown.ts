// Global teardown: removes pullguard's webhooks and server, then stops the testbed with down.sh,
// unless PULLGUARD_KEEP_TESTBED=1 or the testbed was already running before the suite started
// (another user's; it is left as found).

import { removePullguard } from './deploy.js';
import { runScript } from './scripts.js';
import { readState } from './state.js';

export default async function globalTeardown(): Promise<void> {
  const state = readState();
  if (state.skip !== undefined) return;
  if (process.env.PULLGUARD_KEEP_TESTBED === '1') {
    console.log(
      `\ne2e: PULLGUARD_KEEP_TESTBED=1: testbed and pullguard left running (KUBECONFIG=${state.testbed.kubeconfig})`,
    );
    return;
  }
  await removePullguard(state.pullguard);
  if (!state.startedTestbed) {
    console.log('\ne2e: the testbed was already running before the suite; left running');
    return;
  }
  await runScript('down.sh');
}
