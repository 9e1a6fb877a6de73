// Self-managed serving certificates: every replica ensures a certificate in one Secret (creating
// or rotating it), writes it to the files the HTTPS server reloads, and keeps caBundle of both
// webhook configurations current. Replicas race; every write is conditional on the
// resourceVersion just read, and a loser re-reads and adopts the winner's certificate.

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateCertificates } from './generate.js';
import { nextCaBundle, rotationReason, type StoredCertificate } from './rotation.js';
import type { Logger } from '../logger.js';

/** A write lost to another writer (HTTP 409): re-read and try again. */
export class Conflict extends Error {
  constructor(what: string) {
    super(`${what} changed concurrently`);
  }
}

export interface Versioned<T> {
  readonly value: T;
  readonly resourceVersion: string;
}

/** The Secret, behind an adapter (client-node in k8s-adapters.ts, fakes in tests). */
export interface CertificateStore {
  read(): Promise<Versioned<StoredCertificate> | undefined>;
  /** Throws Conflict when it already exists. */
  create(value: StoredCertificate): Promise<void>;
  /** Throws Conflict when resourceVersion is stale. */
  update(value: StoredCertificate, resourceVersion: string): Promise<void>;
}

/** One webhook configuration's caBundle, behind an adapter. */
export interface CaBundleTarget {
  readonly name: string;
  /** Writes `bundle` unless a newer generation is there already; returns true when it wrote. */
  ensure(bundle: string, generation: number): Promise<boolean>;
}

export interface SelfManagedOptions {
  readonly store: CertificateStore;
  readonly targets: readonly CaBundleTarget[];
  readonly certFile: string;
  readonly keyFile: string;
  readonly dnsNames: readonly string[];
  readonly validityDays: number;
  readonly rotateFraction: number;
  readonly now: () => Date;
  readonly logger: Logger;
  readonly keyBits?: number;
  /** How often the Secret is read again (rotation by another replica, or expiry). */
  readonly refreshMs?: number;
}

const MAX_ATTEMPTS = 5;

export class SelfManagedCertificates {
  private timer: NodeJS.Timeout | undefined;
  private written: string | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: SelfManagedOptions) {}

  /** Ensures once (throws when it cannot), then refreshes every refreshMs until stop(). */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.running ??= this.refresh()
        .then(() => undefined)
        .catch((error: unknown) =>
          this.options.logger.warn({ err: (error as Error).message }, 'certificate refresh failed; retrying'),
        )
        .finally(() => (this.running = undefined));
    }, this.options.refreshMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass: the current certificate in the Secret, on disk, and trusted by both webhooks. */
  async refresh(): Promise<StoredCertificate> {
    const stored = await this.ensureSecret();
    await this.writeFiles(stored);
    for (const target of this.options.targets) await this.ensureTarget(target, stored);
    return stored;
  }

  private async ensureSecret(): Promise<StoredCertificate> {
    const policy = { rotateFraction: this.options.rotateFraction, dnsNames: this.options.dnsNames };
    for (let attempt = 1; ; attempt++) {
      const current = await this.options.store.read();
      const now = this.options.now();
      const reason = rotationReason(current?.value, now, policy);
      if (!reason && current) return current.value;
      const next = this.issue(current?.value, now);
      try {
        if (current) await this.options.store.update(next, current.resourceVersion);
        else await this.options.store.create(next);
        this.options.logger.info(
          { reason, generation: next.generation, dnsNames: this.options.dnsNames },
          'serving certificate issued',
        );
        return next;
      } catch (error) {
        // Another replica wrote first: its certificate is as good as ours; read it next time round.
        if (!(error instanceof Conflict) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private issue(previous: StoredCertificate | undefined, now: Date): StoredCertificate {
    const bundle = generateCertificates({
      dnsNames: this.options.dnsNames,
      ipAddresses: [],
      days: this.options.validityDays,
      now,
      ...(this.options.keyBits ? { keyBits: this.options.keyBits } : {}),
    });
    return {
      cert: bundle.cert,
      key: bundle.key,
      ca: bundle.caCert,
      caBundle: nextCaBundle(bundle.caCert, previous, now),
      generation: (previous?.generation ?? 0) + 1,
    };
  }

  private async ensureTarget(target: CaBundleTarget, stored: StoredCertificate): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (await target.ensure(stored.caBundle, stored.generation)) {
          this.options.logger.info({ webhook: target.name, generation: stored.generation }, 'caBundle updated');
        }
        return;
      } catch (error) {
        if (error instanceof Conflict && attempt < MAX_ATTEMPTS) continue;
        // A missing or unwritable configuration must not stop the server: serving matters more,
        // and the next refresh tries again (e.g. the configuration is applied after the pods).
        this.options.logger.warn(
          { webhook: target.name, err: (error as Error).message.split('\n')[0] },
          'cannot update caBundle; retrying at the next refresh',
        );
        return;
      }
    }
  }

  /** Key first, then certificate, each by rename, so a reader never sees half a file. */
  private async writeFiles(stored: StoredCertificate): Promise<void> {
    if (this.written === stored.cert && (await readFile(this.options.certFile, 'utf8').catch(() => '')) === stored.cert)
      return;
    await mkdir(dirname(this.options.certFile), { recursive: true });
    await mkdir(dirname(this.options.keyFile), { recursive: true });
    await atomicWrite(this.options.keyFile, stored.key, 0o600);
    await atomicWrite(this.options.certFile, stored.cert, 0o644);
    this.written = stored.cert;
  }
}

async function atomicWrite(path: string, content: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content, { mode });
  await rename(temporary, path);
}
