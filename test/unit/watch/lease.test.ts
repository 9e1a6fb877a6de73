import { describe, expect, it } from '@jest/globals';
import {
  LeaderElector,
  LeaseConflict,
  type ElectorClock,
  type LeaseRecord,
  type LeaseStore,
} from '../../../src/watch/lease.js';

/** An in-memory Lease with resourceVersion checks, as the API server does them. */
class FakeLeaseApi {
  record: LeaseRecord | undefined;
  private version = 0;
  failing = false;

  store(): LeaseStore {
    return {
      get: async () => {
        if (this.failing) throw new Error('apiserver unavailable');
        return this.record;
      },
      create: async (record) => {
        if (this.failing) throw new Error('apiserver unavailable');
        if (this.record) throw new LeaseConflict('already exists');
        return this.write(record);
      },
      update: async (record) => {
        if (this.failing) throw new Error('apiserver unavailable');
        if (record.resourceVersion !== this.record?.resourceVersion) throw new LeaseConflict();
        return this.write(record);
      },
    };
  }

  private write(record: LeaseRecord): LeaseRecord {
    this.version += 1;
    this.record = { ...record, resourceVersion: String(this.version) };
    return this.record;
  }
}

class FakeClock implements ElectorClock {
  constructor(public ms = Date.parse('2025-06-01T10:00:00Z')) {}
  now() {
    return this.ms;
  }
  async sleep() {}
  advance(ms: number) {
    this.ms += ms;
  }
}

function elector(api: FakeLeaseApi, clock: FakeClock, identity: string, log: string[] = []) {
  return new LeaderElector({
    store: api.store(),
    identity,
    leaseDurationSeconds: 15,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    clock,
    onStartedLeading: () => log.push(`${identity} leads`),
    onStoppedLeading: () => log.push(`${identity} stops`),
  });
}

describe('LeaderElector', () => {
  it('creates the lease, and a second candidate waits while it is renewed', async () => {
    const api = new FakeLeaseApi();
    const clock = new FakeClock();
    const a = elector(api, clock, 'a');
    const b = elector(api, clock, 'b');
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.advance(10_000);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    clock.advance(10_000);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    expect(api.record).toMatchObject({ holderIdentity: 'a', leaseTransitions: 0 });
  });

  it('takes over an expired lease and counts the transition', async () => {
    const api = new FakeLeaseApi();
    const clock = new FakeClock();
    await elector(api, clock, 'a').tryAcquireOrRenew();
    clock.advance(15_001);
    expect(await elector(api, clock, 'b').tryAcquireOrRenew()).toBe(true);
    expect(api.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    expect(api.record?.acquireTime?.getTime()).toBe(clock.now());
  });

  it('loses a race on a stale resourceVersion without throwing', async () => {
    const api = new FakeLeaseApi();
    const clock = new FakeClock();
    await elector(api, clock, 'a').tryAcquireOrRenew();
    clock.advance(20_000);
    const store = api.store();
    const stale = await store.get();
    expect(await elector(api, clock, 'b').tryAcquireOrRenew()).toBe(true);
    await expect(store.update({ ...stale, holderIdentity: 'c' })).rejects.toBeInstanceOf(LeaseConflict);
    const c = new LeaderElector({
      store: { ...store, get: async () => stale },
      identity: 'c',
      leaseDurationSeconds: 15,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      clock,
    });
    expect(await c.tryAcquireOrRenew()).toBe(false);
    expect(api.record?.holderIdentity).toBe('b');
  });

  it('steps down when renewals fail past the renew deadline, and releases on stop', async () => {
    const api = new FakeLeaseApi();
    const clock = new FakeClock();
    const log: string[] = [];
    const a = elector(api, clock, 'a', log);
    const controller = new AbortController();
    let rounds = 0;
    clock.sleep = async () => {
      rounds += 1;
      clock.advance(2_000);
      if (rounds === 2) api.failing = true; // the API goes away after two good rounds
      if (rounds === 8) api.failing = false;
      if (rounds === 9) controller.abort();
    };
    await a.run(controller.signal);
    expect(log).toEqual(['a leads', 'a stops', 'a leads', 'a stops']);
    expect(api.record?.holderIdentity).toBe('');
    expect(await elector(api, clock, 'b').tryAcquireOrRenew()).toBe(true);
  });

  it('refuses timings that cannot work', () => {
    const api = new FakeLeaseApi();
    expect(
      () =>
        new LeaderElector({
          store: api.store(),
          identity: 'a',
          leaseDurationSeconds: 5,
          renewDeadlineMs: 6_000,
          retryPeriodMs: 1_000,
          clock: new FakeClock(),
        }),
    ).toThrow(/renewDeadline/);
  });
});
