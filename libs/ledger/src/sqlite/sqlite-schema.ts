import type { Database } from 'better-sqlite3';
import { LedgerUnavailableError } from '@warden/domain';

/** Version stored in `PRAGMA user_version` of a new file; a newer file is refused rather than misread. */
export const SQLITE_SCHEMA_VERSION = 2;

/** The first format (one row of JSON text per event), still read and written in files created with it. */
export const SQLITE_SCHEMA_VERSION_1 = 1;

/**
 * Version 1: one table for the whole ledger. `position` is the rowid (AUTOINCREMENT: never
 * reused, so positions only grow), `category` is the stream id up to its first `-`, indexed
 * with position so prefix-filtered reads of the global log are index range scans in position order.
 */
const SCHEMA_V1 = `
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
 * Version 2, compact: every repeated string (stream ids and their categories, event types,
 * org and device ids, actors, actions, codes) is stored once in `names` and referenced by id.
 * An event's own hash is 32 bytes in `hash`; its prevHash is the hash of the row before it in
 * its stream, so it is not stored. A UUID event id is stored as its 16 bytes. A decision
 * record (PermissionDecided) fills the decision columns, with `decision_id` and
 * `correlation_id` left NULL when they equal the event id; any other event keeps its data and
 * its metadata (without prevHash and hash) as JSON text in `data` and `metadata`.
 */
const SCHEMA_V2 = `
CREATE TABLE IF NOT EXISTS names (
  id INTEGER PRIMARY KEY,
  value TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  stream INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  event_id BLOB NOT NULL UNIQUE,
  type INTEGER NOT NULL,
  category INTEGER NOT NULL,
  hash BLOB NOT NULL,
  data TEXT,
  metadata TEXT,
  decision_id TEXT,
  org INTEGER,
  device INTEGER,
  action INTEGER,
  allowed INTEGER,
  code INTEGER,
  org_revision INTEGER,
  decided_at INTEGER,
  actor INTEGER,
  correlation_id TEXT,
  UNIQUE (stream, revision)
);
CREATE INDEX IF NOT EXISTS events_category_position ON events (category, position);
`;

/**
 * Prepares a connection and its file: WAL journal, synchronous FULL, schema created or checked.
 * Returns the file's schema version: an existing file keeps its own, a new one gets
 * `newFileVersion`. On a file with no event ever written, `firstPosition` seeds the
 * AUTOINCREMENT counter so the first event gets that position; otherwise it is ignored.
 */
export function prepareSqliteFile(db: Database, firstPosition: bigint | undefined, newFileVersion = SQLITE_SCHEMA_VERSION): number {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // IMMEDIATE: two processes opening a fresh file at once do not both create and seed it.
  return db.transaction(() => {
    const stored = db.pragma('user_version', { simple: true }) as number;
    if (stored > SQLITE_SCHEMA_VERSION) {
      throw new LedgerUnavailableError(`ledger file has schema version ${stored}, newer than ${SQLITE_SCHEMA_VERSION} supported here`);
    }
    const version = stored === 0 ? newFileVersion : stored;
    db.exec(version === SQLITE_SCHEMA_VERSION_1 ? SCHEMA_V1 : SCHEMA_V2);
    if (stored === 0) db.pragma(`user_version = ${version}`);
    if (firstPosition !== undefined) seedFirstPosition(db, firstPosition);
    return version;
  }).immediate();
}

function seedFirstPosition(db: Database, firstPosition: bigint): void {
  const sequence = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'events'`).get();
  if (sequence !== undefined) return;
  db.prepare(`INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?)`).run(firstPosition - 1n);
}
