import BetterSqlite3, { type Database, type Transaction } from 'better-sqlite3';
import { LedgerUnavailableError, WardenError } from '@warden/domain';
import { AppendNotifier } from '../append-notifier';
import { assertValidAppend } from '../append-rules';
import type {
  AppendOptions,
  AppendResult,
  EventHandler,
  ExpectedRevision,
  LedgerSubscription,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
} from '../event-ledger.port';
import { EventLedger } from '../event-ledger.port';
import { verifyChain } from '../hash-chain';
import { resolveReadAll, resolveStreamLimit } from '../read-all-options';
import { SubscriptionRegistry } from '../subscription-registry';
import { SqliteCompactFormat } from './compact/sqlite-compact-format';
import type { SqliteAppendOutcome } from './sqlite-append';
import { toLedgerError } from './sqlite-errors';
import type { SqliteEventLedgerOptions } from './sqlite-event-ledger.options';
import type { SqliteFormat } from './sqlite-format';
import { prepareSqliteFile, SQLITE_SCHEMA_VERSION_1 } from './sqlite-schema';
import { SqliteV1Format } from './sqlite-v1-format';
import { SqliteWalCheckpointer } from './sqlite-wal-checkpointer';

type AppendBody = (streamId: string, events: readonly NewEvent[], expected: ExpectedRevision) => SqliteAppendOutcome;

const DEFAULT_BUSY_TIMEOUT_MS = 50;
/** Default bound on the WAL (SqliteEventLedgerOptions.walLimitBytes). */
export const DEFAULT_WAL_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * EventLedger on one SQLite file (better-sqlite3, WAL). Each append is a single
 * BEGIN IMMEDIATE transaction with prepared statements; stream heads are read inside it, so
 * optimistic concurrency also holds between processes sharing the file. The rows are laid
 * out by the file's format (SqliteFormat): compact for new files, version 1 for older ones.
 */
export class SqliteEventLedger extends EventLedger {
  private readonly notifier = new AppendNotifier();
  private readonly subscriptions = new SubscriptionRegistry();
  private readonly format: SqliteFormat;
  private readonly appendTx: Transaction<AppendBody>;
  private readonly readTx: Transaction<(read: () => unknown) => unknown>;
  private closed = false;
  private checkpointer: SqliteWalCheckpointer | undefined;

  private constructor(
    private readonly db: Database,
    private readonly options: SqliteEventLedgerOptions,
    version: number,
  ) {
    super();
    const format = version === SQLITE_SCHEMA_VERSION_1 ? new SqliteV1Format(db) : new SqliteCompactFormat(db);
    this.format = format;
    this.appendTx = db.transaction<AppendBody>((streamId, events, expected) => format.append(streamId, events, expected));
    this.readTx = db.transaction((read) => read());
  }

  /** Opens (creating if needed) a ledger file. Fails with LedgerUnavailableError when it cannot. */
  static async open(options: SqliteEventLedgerOptions): Promise<SqliteEventLedger> {
    if (options.firstPosition !== undefined && options.firstPosition < 1n) {
      throw new WardenError('invalid', 'invalid_first_position', `first position must be at least 1`);
    }
    if (options.walLimitBytes !== undefined && !(Number.isSafeInteger(options.walLimitBytes) && options.walLimitBytes > 0)) {
      throw new WardenError('invalid', 'invalid_wal_limit', `WAL limit must be a positive whole number of bytes`);
    }
    let db: Database | undefined;
    try {
      const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
      const walLimitBytes = options.walLimitBytes ?? DEFAULT_WAL_LIMIT_BYTES;
      db = new BetterSqlite3(options.path, { timeout: busyTimeoutMs });
      const version = prepareSqliteFile(db, options.firstPosition, options.newFileSchemaVersion);
      db.pragma(`journal_size_limit = ${walLimitBytes}`);
      const ledger = new SqliteEventLedger(db, options, version);
      if (options.checkpointIntervalMs) {
        ledger.checkpointer = SqliteWalCheckpointer.start(db, {
          path: options.path,
          intervalMs: options.checkpointIntervalMs,
          limitBytes: walLimitBytes,
          // A writer waits out a RESTART checkpoint's hold of the write lock: a fifth of its own timeout leaves it room.
          restartWaitMs: Math.max(1, Math.floor(busyTimeoutMs / 5)),
        });
      }
      return ledger;
    } catch (error) {
      db?.close();
      throw toLedgerError(error, `open ${options.path}`);
    }
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    this.ensureOpen();
    assertValidAppend(streamId, events, options.expectedRevision);
    try {
      const { result, written } = this.appendTx.immediate(streamId, events, options.expectedRevision);
      if (written) this.notifier.notify(streamId);
      return result;
    } catch (error) {
      this.format.rolledBack();
      throw toLedgerError(error, `append to ${streamId}`, streamId);
    }
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.ensureOpen();
    const from = options?.fromRevision ?? 0n;
    // SQLite reads LIMIT -1 as no limit.
    const limit = resolveStreamLimit(options?.limit) ?? -1;
    const { events, prevHash } = this.guard(`read ${streamId}`, streamId, () =>
      this.snapshot(() => this.format.readStream(streamId, from, limit)),
    );
    verifyChain(events, prevHash);
    return events;
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    this.ensureOpen();
    const { after, prefixes, limit } = resolveReadAll(options);
    // One snapshot: another process's commit between two reads of a page could otherwise put
    // a later position in it without an earlier one (a gap), or a link without its row.
    return this.guard('read all', '', () => this.snapshot(() => this.format.readAll(after, prefixes, limit)));
  }

  subscribe(options: SubscribeOptions, handler: EventHandler): LedgerSubscription {
    this.ensureOpen();
    const { pollIntervalMs, subscriptionPageSize } = this.options;
    const catchUp = { ...options, pageSize: subscriptionPageSize, pollIntervalMs };
    return this.subscriptions.start((page) => this.readAll(page), this.notifier, catchUp, handler);
  }

  async headPosition(): Promise<bigint | undefined> {
    this.ensureOpen();
    return this.guard('head position', '', () => this.format.headPosition());
  }

  /** The schema version of the open file (1: the format before compact records). */
  get schemaVersion(): number {
    return this.format.version;
  }

  /** Resolves whether WAL checkpoints run in the background worker once it has started (false: inside commits, SQLite's default). */
  async checkpointsInBackground(): Promise<boolean> {
    return this.checkpointer ? (await this.checkpointer.started) && this.checkpointer.running : false;
  }

  /** Stops the subscriptions, then closes the connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.subscriptions.closeAll();
    await this.checkpointer?.stop();
    this.db.close();
  }

  /** Runs reads in one deferred transaction: they all see the same committed state. */
  private snapshot<T>(read: () => T): T {
    return this.readTx(read) as T;
  }

  private guard<T>(action: string, streamId: string, read: () => T): T {
    try {
      return read();
    } catch (error) {
      throw toLedgerError(error, action, streamId);
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw new LedgerUnavailableError('the SQLite ledger is closed');
  }
}
