import BetterSqlite3, { type Database } from 'better-sqlite3';
import { LedgerUnavailableError, WardenError } from '@warden/domain';

/** Pages copied so far out of the total (SQLite pages, 4 KiB by default). */
export interface SqliteBackupProgress {
  readonly copiedPages: number;
  readonly totalPages: number;
}

export interface SqliteBackupOptions {
  /** Called after every step of the copy. */
  readonly onProgress?: (progress: SqliteBackupProgress) => void;
  /** Pages per step (default 1024: 4 MiB); the event loop turns between two steps. */
  readonly pagesPerStep?: number;
  /** How long opening the source waits for another connection's lock (default 5 s). */
  readonly busyTimeoutMs?: number;
}

const DEFAULT_PAGES_PER_STEP = 1024;
const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Copies a live SQLite ledger file page by page with SQLite's online backup API, while other
 * processes (the control plane) go on writing it. The copy is one consistent snapshot: the
 * source connection opens a read transaction before the first step and holds it to the last,
 * so every step reads the same WAL snapshot. Without it, SQLite restarts the copy whenever
 * another process commits between two steps, and under steady write load it never ends.
 * In WAL mode the held read blocks no writer; the WAL only grows until the copy is done.
 *
 * Format-agnostic on purpose: it copies pages, whatever the adapter's schema. It refuses a
 * file that is not a SQLite database, or one no ledger adapter ever initialised
 * (`user_version` 0), with WardenError kind `invalid`, code `not_a_ledger`.
 */
export async function copySqliteDatabase(source: string, destination: string, options: SqliteBackupOptions = {}): Promise<SqliteBackupProgress> {
  const db = openSource(source, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
  try {
    beginSnapshot(db, source);
    const pagesPerStep = options.pagesPerStep ?? DEFAULT_PAGES_PER_STEP;
    const result = await db.backup(destination, {
      progress: ({ totalPages, remainingPages }) => {
        options.onProgress?.({ copiedPages: totalPages - remainingPages, totalPages });
        return pagesPerStep;
      },
    });
    const done = { copiedPages: result.totalPages, totalPages: result.totalPages };
    options.onProgress?.(done);
    return done;
  } catch (error) {
    if (error instanceof WardenError) throw error;
    throw new LedgerUnavailableError(`backup of ${source}: ${error instanceof Error ? error.message : String(error)}`, error);
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
  }
}

function openSource(source: string, busyTimeoutMs: number): Database {
  try {
    // Not read-only: a read-only connection cannot remove the -wal/-shm files it creates.
    // It never writes; closing it as the last connection checkpoints, as any reader's does.
    return new BetterSqlite3(source, { fileMustExist: true, timeout: busyTimeoutMs });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_CANTOPEN') throw new WardenError('invalid', 'ledger_missing', `no ledger file at ${source}`);
    throw new LedgerUnavailableError(`open ${source}: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

/** Starts the read transaction the whole copy reads from, after checking the file is a ledger. */
function beginSnapshot(db: Database, source: string): void {
  let version: number;
  try {
    db.exec('BEGIN');
    // The first read starts the transaction's snapshot; user_version alone reads only the header.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    version = db.pragma('user_version', { simple: true }) as number;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new WardenError('invalid', 'not_a_ledger', `${source} is not a warden ledger: it is not a SQLite database`);
    }
    throw error;
  }
  if (version < 1) throw new WardenError('invalid', 'not_a_ledger', `${source} is not a warden ledger: it is a SQLite database no ledger was ever written to`);
}
