import type { Database } from 'better-sqlite3';

/** `PRAGMA application_id` of an audit index file ("WDIX"): any other SQLite file is not one. */
export const AUDIT_INDEX_APPLICATION_ID = 0x57444958;
/** `PRAGMA user_version` of the current layout; another version is rebuilt, never misread. */
export const AUDIT_INDEX_VERSION = 1;

/**
 * One row per indexed record, keyed by ledger position (the rowid). Org, device and stream
 * ids are interned in `names`, so a row is a handful of integers. The two indexes are the
 * two access paths: (org, position) and (org, device, position); an index on (org) is sorted
 * by (org, rowid) already. The checkpoint row moves in the same transaction as the rows.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS entries (
  position INTEGER PRIMARY KEY,
  org INTEGER NOT NULL,
  device INTEGER,
  stream INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  t INTEGER
);
CREATE INDEX IF NOT EXISTS entries_org ON entries (org);
CREATE INDEX IF NOT EXISTS entries_org_device ON entries (org, device);
CREATE TABLE IF NOT EXISTS checkpoint (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  position INTEGER NOT NULL,
  stream TEXT NOT NULL,
  revision INTEGER NOT NULL,
  hash TEXT NOT NULL
);
`;

/**
 * Creates the layout in an empty file, or checks an existing one is an audit index of this
 * version (throws otherwise: the caller rebuilds). WAL and synchronous NORMAL: the index is
 * derived, so a power cut may cost its last batches (the checkpoint goes back with them),
 * never its consistency.
 */
export function prepareIndexFile(db: Database, writable: boolean): void {
  if (writable) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const version = db.pragma('user_version', { simple: true }) as number;
  const empty = applicationId === 0 && version === 0 && objectCount(db) === 0;
  if (empty && writable) {
    db.transaction(() => {
      db.exec(SCHEMA);
      db.pragma(`application_id = ${AUDIT_INDEX_APPLICATION_ID}`);
      db.pragma(`user_version = ${AUDIT_INDEX_VERSION}`);
    }).immediate();
    return;
  }
  if (applicationId !== AUDIT_INDEX_APPLICATION_ID) throw new Error('not an audit index file');
  if (version !== AUDIT_INDEX_VERSION) throw new Error(`audit index version ${version}, expected ${AUDIT_INDEX_VERSION}`);
  if (tableCount(db) < 3) throw new Error('audit index file is missing tables');
}

function objectCount(db: Database): number {
  return (db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n;
}

function tableCount(db: Database): number {
  const row = db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('names', 'entries', 'checkpoint')`).get() as { n: number };
  return row.n;
}
