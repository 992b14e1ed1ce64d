import type { Database } from 'better-sqlite3';
import { LedgerUnavailableError } from '@warden/domain';

/** Version stored in `PRAGMA user_version`; a newer file is refused rather than misread. */
export const SQLITE_SCHEMA_VERSION = 1;

/**
 * One table for the whole ledger. `position` is the rowid (AUTOINCREMENT: never reused, so
 * positions only grow), `category` is the stream id up to its first `-`, indexed with position
 * so prefix-filtered reads of the global log are index range scans in position order.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  event_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  metadata TEXT NOT NULL,
  category TEXT NOT NULL,
  UNIQUE (stream_id, revision)
);
CREATE INDEX IF NOT EXISTS events_category_position ON events (category, position);
`;

/**
 * Prepares a connection and its file: WAL journal, synchronous FULL, schema created or checked.
 * On a file with no event ever written, `firstPosition` seeds the AUTOINCREMENT counter so
 * the first event gets that position; otherwise it is ignored.
 */
export function prepareSqliteFile(db: Database, firstPosition: bigint | undefined): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // IMMEDIATE: two processes opening a fresh file at once do not both create and seed it.
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SQLITE_SCHEMA_VERSION) {
      throw new LedgerUnavailableError(
        `ledger file has schema version ${version}, newer than ${SQLITE_SCHEMA_VERSION} supported here`,
      );
    }
    db.exec(SCHEMA);
    if (version < SQLITE_SCHEMA_VERSION) db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
    if (firstPosition !== undefined) seedFirstPosition(db, firstPosition);
  }).immediate();
}

function seedFirstPosition(db: Database, firstPosition: bigint): void {
  const sequence = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'events'`).get();
  if (sequence !== undefined) return;
  db.prepare(`INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?)`).run(firstPosition - 1n);
}
