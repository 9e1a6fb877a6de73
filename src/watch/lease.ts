// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it:
// take the lease when it is free or expired, renew it every retry period, and step down when
// renewals keep failing for longer than the renew deadline. Only the leader runs the watcher and
// publishes recent failures. The Lease API and the clock are injected.

export interface LeaseRecord {
  readonly holderIdentity?: string;
  readonly leaseDurationSeconds?: number;
  readonly acquireTime?: Date;
  readonly renewTime?: Date;
  readonly leaseTransitions?: number;
  /** Optimistic concurrency: an update with a stale version fails with LeaseConflict. */
  readonly resourceVersion?: string;
}

export class LeaseConflict extends Error {
  constructor(message = 'lease changed concurrently') {
    super(message);
    this.name = 'LeaseConflict';
  }
}

/** One named Lease. `create` and `update` throw LeaseConflict when someone else won the race. */
export interface LeaseStore {
  get(): Promise<LeaseRecord | undefined>;
  create(record: LeaseRecord): Promise<LeaseRecord>;
  update(record: LeaseRecord): Promise<LeaseRecord>;
}

export interface ElectorClock {
  now(): number;
  /** Resolves after ms, or early when the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface ElectorOptions {
  readonly store: LeaseStore;
  readonly identity: string;
  readonly leaseDurationSeconds: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly clock: ElectorClock;
  readonly onStartedLeading?: () => void;
  readonly onStoppedLeading?: () => void;
  readonly onError?: (error: unknown) => void;
}

export class LeaderElector {
  private leading = false;
  private lastRenew = 0;
  private heldByOther = false;

  constructor(private readonly options: ElectorOptions) {
    if (options.renewDeadlineMs >= options.leaseDurationSeconds * 1000)
      throw new Error('renewDeadline must be shorter than the lease duration');
    if (options.retryPeriodMs >= options.renewDeadlineMs)
      throw new Error('retryPeriod must be shorter than renewDeadline');
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** One round: acquire or renew. Returns whether this identity holds the lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { store, identity, leaseDurationSeconds, clock } = this.options;
    const now = clock.now();
    const current = await store.get();
    this.heldByOther = false;
    const fresh: LeaseRecord = {
      holderIdentity: identity,
      leaseDurationSeconds,
      acquireTime: new Date(now),
      renewTime: new Date(now),
      leaseTransitions: 0,
    };
    try {
      if (!current) {
        await store.create(fresh);
        return true;
      }
      const holder = current.holderIdentity ?? '';
      const expires =
        (current.renewTime?.getTime() ?? 0) + (current.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
      if (holder !== '' && holder !== identity && expires > now) {
        this.heldByOther = true;
        return false;
      }
      const transitions = current.leaseTransitions ?? 0;
      await store.update({
        ...current,
        holderIdentity: identity,
        leaseDurationSeconds,
        renewTime: new Date(now),
        acquireTime: holder === identity && current.acquireTime ? current.acquireTime : new Date(now),
        leaseTransitions: holder === identity ? transitions : transitions + 1,
      });
      return true;
    } catch (error) {
      if (error instanceof LeaseConflict) return false;
      throw error;
    }
  }

  /** Campaigns, leads and renews until the signal aborts; then releases the lease if held. */
  async run(signal: AbortSignal): Promise<void> {
    const { clock, retryPeriodMs, renewDeadlineMs } = this.options;
    while (!signal.aborted) {
      let held = false;
      try {
        held = await this.tryAcquireOrRenew();
      } catch (error) {
        this.options.onError?.(error);
      }
      const now = clock.now();
      if (held) {
        this.lastRenew = now;
        if (!this.leading) {
          this.leading = true;
          this.options.onStartedLeading?.();
        }
      } else if (this.leading && now - this.lastRenew >= renewDeadlineMs) {
        this.stepDown();
      } else if (this.leading && this.heldByOther) {
        this.stepDown(); // someone else holds a valid lease: ours expired
      }
      await clock.sleep(retryPeriodMs, signal);
    }
    await this.release();
  }

  /** Gives the lease up at once (holder cleared), so another replica need not wait for expiry. */
  async release(): Promise<void> {
    if (!this.leading) return;
    this.stepDown();
    try {
      const current = await this.options.store.get();
      if (current?.holderIdentity !== this.options.identity) return;
      await this.options.store.update({
        ...current,
        holderIdentity: '',
        leaseDurationSeconds: 1,
        renewTime: new Date(this.options.clock.now()),
      });
    } catch (error) {
      if (!(error instanceof LeaseConflict)) this.options.onError?.(error);
    }
  }

  private stepDown(): void {
    this.leading = false;
    this.options.onStoppedLeading?.();
  }
}
