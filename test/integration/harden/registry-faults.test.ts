// Item 2: registry faults. Each fault registry is listed in the config and probed by the real
// createRegistryProber inside the real admission handler; every admission must be allowed with a
// "could not check" warning (registry-unreachable, or the checks-skipped notice), never a denial,
// never a crash, and memory must stay bounded while bodies stall, trickle or never end.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createAdmissionHandler } from '../../../src/admission/handler.js';
import { buildConfig } from '../../../src/config/load.js';
import { silentLogger } from '../../../src/logger.js';
import { createRegistryProber, type ClosableRegistryProber } from '../../../src/registry/prober.js';
import { FULL, recordFigure, settledHeap } from '../../harden/figures.js';
import { freePort } from '../../support/registries/index.js';
import {
  REGISTRY_FAULTS,
  startFaultRegistry,
  type FaultRegistry,
  type RegistryFault,
} from '../../support/registries/fault-registry.js';

const BUDGET_MS = 1000;
const ROUNDS = FULL ? 30 : 3;
/** Answers may be late by scheduling on two busy cores, never by waiting for a registry. */
const SLACK_MS = 250;
const COULD_NOT_CHECK = /^\[registry-unreachable\]|^\[pullguard\] checks that need registry/;

let registries: Map<RegistryFault, FaultRegistry>;
let elsewhere: Server;
let elsewhereContacts = 0;
let prober: ClosableRegistryProber;
let handler: ReturnType<typeof createAdmissionHandler>;
const ONLY = process.env.HARDEN_ONLY_FAULT;
const results = new Map<RegistryFault, { latencies: number[]; warnings: Set<string>; denied: number }>();
const memory: number[] = [];

beforeAll(async () => {
  // The cross-host redirect target: an unlisted loopback host, which must never be contacted.
  elsewhere = createServer((socket) => {
    elsewhereContacts++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.2', resolve));
  const closedPort = await freePort();
  const crossHostTarget = `127.0.0.2:${(elsewhere.address() as AddressInfo).port}`;
  registries = new Map(
    await Promise.all(
      REGISTRY_FAULTS.map(
        async (fault) => [fault, await startFaultRegistry(fault, { closedPort, crossHostTarget })] as const,
      ),
    ),
  );
  const config = buildConfig({
    registries: [...registries.values()].map((r) => ({ prefix: r.host, insecure: true })),
    budgetMs: BUDGET_MS,
    probe: { timeoutMs: 600, negativeCacheTtlSeconds: 0 },
  });
  prober = createRegistryProber(config);
  handler = createAdmissionHandler({ config: () => config, sources: { prober }, logger: silentLogger });
});

afterAll(async () => {
  await prober?.close();
  await Promise.all([...(registries?.values() ?? [])].map((r) => r.close()));
  await new Promise<void>((resolve) => elsewhere?.close(() => resolve()));
  const rows = [...results].map(([fault, r]) => {
    const max = Math.max(...r.latencies);
    return [fault, r.latencies.length, r.denied, [...r.warnings].join(', '), Math.round(max)];
  });
  const growthMb = (Math.max(...memory) - (memory[0] ?? 0)) / 1024 / 1024;
  const slowest = Math.max(...[...results.values()].flatMap((r) => r.latencies));
  recordFigure({
    item: '2-faults',
    title: 'Registry faults',
    pass:
      results.size === REGISTRY_FAULTS.length &&
      [...results.values()].every((r) => r.denied === 0 && r.warnings.size > 0) &&
      slowest <= BUDGET_MS + SLACK_MS &&
      growthMb < 64 &&
      elsewhereContacts === 0,
    table: [['fault', 'admissions', 'denied', 'outcome (warning)', 'max latency ms'], ...rows],
    notes: [
      `budgetMs ${BUDGET_MS}; slowest answer ${Math.round(slowest)} ms; heap growth over ${ROUNDS} rounds ${growthMb.toFixed(1)} MB`,
      `contacts with the unlisted cross-host redirect target: ${elsewhereContacts}`,
    ],
  });
});

function podWith(image: string) {
  return {
    uid: `uid-${image}`,
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: 'pods',
    subResource: '',
    namespace: 'team',
    name: 'p',
    operation: 'CREATE' as const,
    object: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image }] },
    },
    oldObject: null,
    dryRun: false,
  };
}

describe('registry faults', () => {
  it('answers every admission within the budget with "could not check", never a denial', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      memory.push(settledHeap());
      await Promise.all(
        REGISTRY_FAULTS.filter((f) => !ONLY || f === ONLY).map(async (fault) => {
          const host = registries.get(fault)!.host;
          const started = performance.now();
          const outcome = await handler.handle(podWith(`${host}/app/r${round}:1.0`), 'validate');
          const elapsed = performance.now() - started;
          const entry = results.get(fault) ?? { latencies: [], warnings: new Set<string>(), denied: 0 };
          results.set(fault, entry);
          entry.latencies.push(elapsed);
          if (!outcome.response.response.allowed) entry.denied++;
          for (const warning of outcome.response.response.warnings ?? [])
            entry.warnings.add(/^\[[^\]]+\]/.exec(warning)?.[0] ?? warning.slice(0, 30));
          expect({ fault, allowed: outcome.response.response.allowed }).toEqual({ fault, allowed: true });
          expect({ fault, warnings: outcome.response.response.warnings }).toEqual({
            fault,
            warnings: expect.arrayContaining([expect.stringMatching(COULD_NOT_CHECK)]),
          });
        }),
      );
    }
    memory.push(settledHeap());
    expect(elsewhereContacts).toBe(0);
  }, 600_000);
});
