import { DECISIONS_STREAM_PREFIX, type EventLedger, type LedgerSubscription, type RecordedEvent } from '@warden/ledger';
import type { AuditIndexStore, IndexEntry } from './audit-index.store';
import { catchUpIndex, keepIfOfLedger } from './index-catch-up';
import type { AuditIndexAccess } from './audit-index.location';
import type { DecisionSearchOptions } from './indexed-decisions';
import { checkpointOf, indexEntryOf } from './index-entry';

/** What a follower reports, for the node's log. */
export type AuditIndexNotice =
  | { readonly kind: 'reset'; readonly reason: string }
  | { readonly kind: 'caught-up'; readonly records: number; readonly ms: number; readonly position: string | undefined }
  | { readonly kind: 'failed'; readonly error: unknown };

export interface AuditIndexFollowerOptions {
  /** Opens the store; `fresh`: throw away whatever is there first (it was unusable). */
  readonly open: (fresh: boolean) => AuditIndexStore;
  readonly notify?: (notice: AuditIndexNotice) => void;
  /** Longest a live record waits in memory before it is written (default 100 ms). */
  readonly flushEveryMs?: number;
  /** Live records written per index transaction at most (default 512). */
  readonly batchMax?: number;
  /** Wait before following again after the ledger failed (default 1 s). */
  readonly retryMs?: number;
}

/**
 * Keeps the audit index of a node up to date, off the validate path: opens it (a file that is
 * unusable, or of another or older ledger, is started again from nothing), catches up from
 * its checkpoint in small paced pages, then follows the ledger's decision streams with a
 * catch-up subscription, writing live records in batches on a timer. Queries get the store
 * through {@link index} only while it is usable; when one finds it broken
 * ({@link reportFailure}) the follower throws it away and rebuilds it from the ledger, and
 * queries scan meanwhile. A batch that cannot be written for want of room or access (a full
 * disk, an I/O error, a lock) keeps the file: its transaction left it as it was, so the
 * follower goes on from its checkpoint once it can write again instead of rebuilding (and a
 * file deleted on a full disk would hand its blocks to whatever writes next).
 */
export class AuditIndexFollower implements AuditIndexAccess {
  private store: AuditIndexStore | undefined;
  private usable = false;
  private stopped = false;
  /** Bumped at every (re)start: work of an older generation stops at its next step. */
  private generation = 0;
  private subscription: LedgerSubscription | undefined;
  private buffer: RecordedEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private waiters: Array<{ position: bigint; resolve: () => void }> = [];
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly ledger: EventLedger,
    private readonly options: AuditIndexFollowerOptions,
  ) {}

  /** The index, while it is usable (its checkpoint is in this ledger); undefined otherwise. */
  get index(): AuditIndexStore | undefined {
    return this.usable ? this.store : undefined;
  }

  /** The options that make a decision search (decisionPages, history, export) use this index and report it when broken. */
  searchOptions(): Pick<DecisionSearchOptions, 'index' | 'onIndexFailure'> {
    const index = this.index;
    return index ? { index, onIndexFailure: (error) => this.reportFailure(index, error) } : {};
  }

  /** Opens the index and starts catching up in the background. */
  start(): void {
    this.running = this.run(false);
  }

  /** Resolves once the index has taken in the ledger up to this position (of a decision record). */
  reached(position: bigint): Promise<void> {
    const at = this.index?.checkpoint()?.position;
    if (at !== undefined && at >= position) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ position, resolve }));
  }

  /** A query found the index broken: throw it away and rebuild it (once per store). */
  reportFailure(store: AuditIndexStore, error: unknown): void {
    if (this.stopped || store !== this.store || !this.usable) return;
    this.options.notify?.({ kind: 'failed', error });
    this.restart(true);
  }

  /** Stops following, writes what is buffered, closes the index. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    clearTimeout(this.retry);
    await this.subscription?.close();
    await this.running.catch(() => undefined);
    this.flush();
    clearTimeout(this.timer);
    this.usable = false;
    this.closeStore();
  }

  private restart(fresh: boolean): void {
    this.generation++;
    this.usable = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.buffer = [];
    void this.subscription?.close();
    this.subscription = undefined;
    this.closeStore();
    this.running = this.run(fresh);
  }

  private async run(fresh: boolean): Promise<void> {
    const generation = this.generation;
    const active = (): boolean => !this.stopped && generation === this.generation;
    try {
      const store = this.openStore(fresh);
      this.store = store;
      if (!(await keepIfOfLedger(this.ledger, store))) this.options.notify?.({ kind: 'reset', reason: 'its checkpoint is not in this ledger (restored or replaced)' });
      if (!active()) return;
      this.usable = true;
      const started = Date.now();
      const records = await catchUpIndex(this.ledger, store, { pace: true, active });
      if (!active()) return;
      const position = store.checkpoint()?.position;
      this.options.notify?.({ kind: 'caught-up', records, ms: Date.now() - started, position: position?.toString() });
      this.wake(position);
      this.follow(position, active);
    } catch (error) {
      if (!active()) return;
      this.options.notify?.({ kind: 'failed', error });
      this.usable = false;
      this.retry = setTimeout(() => this.restart(false), this.options.retryMs ?? 1000);
      this.retry.unref();
    }
  }

  private openStore(fresh: boolean): AuditIndexStore {
    if (fresh) return this.options.open(true);
    try {
      return this.options.open(false);
    } catch (error) {
      if (!isDamage(error)) throw error;
      this.options.notify?.({ kind: 'reset', reason: `its file could not be used: ${error instanceof Error ? error.message : String(error)}` });
      return this.options.open(true);
    }
  }

  private follow(after: bigint | undefined, active: () => boolean): void {
    const batchMax = this.options.batchMax ?? 512;
    const subscription = this.ledger.subscribe({ after, streamPrefixes: [DECISIONS_STREAM_PREFIX] }, (event) => {
      if (!active()) return;
      this.buffer.push(event);
      if (this.buffer.length >= batchMax) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.flushEveryMs ?? 100);
    });
    this.subscription = subscription;
    subscription.done.catch((error: unknown) => {
      if (!active()) return;
      this.options.notify?.({ kind: 'failed', error });
      this.retry = setTimeout(() => this.restart(false), this.options.retryMs ?? 1000);
      this.retry.unref();
    });
  }

  /** Writes the buffered live records in one transaction; a store that fails is rebuilt. */
  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const store = this.store;
    if (this.buffer.length === 0 || !store || !this.usable) return;
    const events = this.buffer;
    this.buffer = [];
    const entries: IndexEntry[] = [];
    for (const event of events) {
      const entry = indexEntryOf(event);
      if (entry) entries.push(entry);
    }
    const last = events[events.length - 1];
    try {
      store.add(entries, checkpointOf(last));
    } catch (error) {
      if (isDamage(error)) this.reportFailure(store, error);
      else this.retryLater(store, error);
      return;
    }
    this.wake(last.position);
  }

  private wake(position: bigint | undefined): void {
    if (position === undefined) return;
    const ready = this.waiters.filter((w) => w.position <= position);
    this.waiters = this.waiters.filter((w) => w.position > position);
    for (const w of ready) w.resolve();
  }

  /** A write that failed without damage: the index is set aside (queries scan) and followed again from its checkpoint later. */
  private retryLater(store: AuditIndexStore, error: unknown): void {
    if (this.stopped || store !== this.store || !this.usable) return;
    this.options.notify?.({ kind: 'failed', error });
    this.usable = false;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.restart(false), this.options.retryMs ?? 1000);
    this.retry.unref();
  }

  private closeStore(): void {
    try {
      this.store?.close();
    } catch {
      // A store that cannot even close is being thrown away anyway.
    }
    this.store = undefined;
  }
}

/** SQLite's answer for a file that is not a sound database (as opposed to one that cannot be written now). */
const DAMAGE_CODES = ['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_FORMAT'] as const;

function isDamage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code !== 'string' || DAMAGE_CODES.some((damage) => code.startsWith(damage));
}
