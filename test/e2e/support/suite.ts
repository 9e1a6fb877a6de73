// The e2e test files' entry: `describeE2E` runs the block against the testbed, or skips it
// when the global setup found that this machine cannot host the testbed (it printed why, once).

import { describe } from '@jest/globals';
import { readState, type E2EState } from './state.js';

type Ready = Exclude<E2EState, { skip: string }>;

export function describeE2E(name: string, body: () => void): void {
  const state = readState();
  (state.skip === undefined ? describe : describe.skip)(name, body);
}

/** The running testbed and pullguard deployment (only inside describeE2E). */
export function e2e(): Ready {
  const state = readState();
  if (state.skip !== undefined) throw new Error(`e2e suite skipped: ${state.skip}`);
  return state;
}
