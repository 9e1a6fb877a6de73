// List then watch one resource, forever: a dropped watch resumes from the last resourceVersion,
// a 410 Gone (expired resourceVersion) re-lists at once, and any other failure re-lists after an
// exponential back-off. client-node's own ListWatch stops on errors and keeps whole objects, so
// this loop drives its Watch directly and hands objects to a sink that keeps slim records.

import type { ResourceSink } from './cluster-state.js';

export interface ListPage {
  readonly items: readonly unknown[];
  readonly resourceVersion: string;
  readonly continueToken?: string;
}

export interface WatchHandle {
  abort(): void;
}

export interface ListWatchClient {
  list(options: { continueToken?: string; limit: number }): Promise<ListPage>;
  /** Streams events until the connection ends; `onDone` is called exactly once. */
  watch(
    resourceVersion: string,
    onEvent: (type: string, object: unknown) => void,
    onDone: (error?: unknown) => void,
  ): Promise<WatchHandle>;
}

export interface ReflectorOptions {
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly pageSize?: number;
  /** Called with a short description on every failure (never objects or credentials). */
  readonly onError?: (message: string) => void;
}

type WatchEnd =
  | { kind: 'closed'; resourceVersion: string; events: number }
  | { kind: 'gone' }
  | { kind: 'error'; error: unknown };

export class Reflector {
  private stopped = false;
  private hasSynced = false;
  private failing: string | undefined;
  private handle: WatchHandle | undefined;
  private wake: (() => void) | undefined;
  private resolveSynced!: () => void;
  readonly synced: Promise<void> = new Promise((resolve) => (this.resolveSynced = resolve));
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;

  constructor(
    readonly name: string,
    private readonly client: ListWatchClient,
    private readonly sink: ResourceSink,
    private readonly options: ReflectorOptions = {},
  ) {
    this.initialBackoff = options.initialBackoffMs ?? 500;
    this.maxBackoff = options.maxBackoffMs ?? 30_000;
  }

  /** Trustworthy: listed at least once and the last list did not fail. */
  health(): { ok: true } | { ok: false; reason: string } {
    if (this.failing !== undefined)
      return { ok: false, reason: `Kubernetes API unreachable (${this.name}: ${this.failing})` };
    if (!this.hasSynced)
      return { ok: false, reason: `Kubernetes API not yet read (${this.name} cache warming)` };
    return { ok: true };
  }

  isSynced(): boolean {
    return this.hasSynced;
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.handle?.abort();
    this.wake?.();
  }

  private async run(): Promise<void> {
    let backoff = this.initialBackoff;
    while (!this.stopped) {
      let resourceVersion: string;
      try {
        resourceVersion = await this.listAll();
      } catch (error) {
        this.failing = describe(error);
        this.options.onError?.(`${this.name}: list failed: ${this.failing}`);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.maxBackoff);
        continue;
      }
      this.failing = undefined;
      this.hasSynced = true;
      this.resolveSynced();
      backoff = this.initialBackoff;
      while (!this.stopped) {
        const end = await this.watchOnce(resourceVersion);
        if (this.stopped || end.kind === 'gone') break;
        if (end.kind === 'error') {
          this.options.onError?.(`${this.name}: watch failed: ${describe(end.error)}`);
          await this.sleep(backoff);
          backoff = Math.min(backoff * 2, this.maxBackoff);
          break;
        }
        resourceVersion = end.resourceVersion;
        if (end.events === 0) {
          // A server that closes watches at once would otherwise be hammered.
          await this.sleep(backoff);
          backoff = Math.min(backoff * 2, this.maxBackoff);
        } else backoff = this.initialBackoff;
      }
    }
  }

  private async listAll(): Promise<string> {
    const items: unknown[] = [];
    let continueToken: string | undefined;
    for (;;) {
      let page: ListPage;
      try {
        page = await this.client.list({
          limit: this.options.pageSize ?? 500,
          ...(continueToken ? { continueToken } : {}),
        });
      } catch (error) {
        if (continueToken !== undefined && isGone(error)) {
          items.length = 0; // the continue token expired: start the list again
          continueToken = undefined;
          continue;
        }
        throw error;
      }
      items.push(...page.items);
      if (!page.continueToken) {
        this.sink.replace(items);
        return page.resourceVersion;
      }
      continueToken = page.continueToken;
    }
  }

  private watchOnce(resourceVersion: string): Promise<WatchEnd> {
    return new Promise<WatchEnd>((resolve) => {
      let latest = resourceVersion;
      let events = 0;
      let gone = false;
      const onEvent = (type: string, object: unknown): void => {
        if (type === 'ERROR') {
          if (isGone(object)) gone = true;
          return;
        }
        if (type === 'ADDED' || type === 'MODIFIED') this.sink.upsert(object);
        else if (type === 'DELETED') this.sink.remove(object);
        else if (type !== 'BOOKMARK') return;
        events++;
        const rv = resourceVersionOf(object);
        if (rv) latest = rv;
      };
      const onDone = (error?: unknown): void => {
        this.handle = undefined;
        if (gone || isGone(error)) resolve({ kind: 'gone' });
        else if (error) resolve({ kind: 'error', error });
        else resolve({ kind: 'closed', resourceVersion: latest, events });
      };
      this.client.watch(resourceVersion, onEvent, onDone).then(
        (handle) => {
          this.handle = handle;
          if (this.stopped) handle.abort();
        },
        (error: unknown) => resolve({ kind: 'error', error }),
      );
    });
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

function isGone(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  return code === 410 || statusCode === 410;
}

function resourceVersionOf(object: unknown): string | undefined {
  const metadata = (object as { metadata?: { resourceVersion?: unknown } } | null)?.metadata;
  return typeof metadata?.resourceVersion === 'string' ? metadata.resourceVersion : undefined;
}

/** Error text for logs and messages: status codes and messages only, never request bodies. */
function describe(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, statusCode, message } = error as {
      code?: unknown;
      statusCode?: unknown;
      message?: unknown;
    };
    const status = typeof code === 'number' ? code : typeof statusCode === 'number' ? statusCode : undefined;
    const text = typeof message === 'string' ? message.split('\n')[0]?.slice(0, 120) : undefined;
    if (status !== undefined) return `HTTP ${status}`;
    if (text) return text;
    if (typeof code === 'string') return code;
  }
  return 'unknown error';
}
