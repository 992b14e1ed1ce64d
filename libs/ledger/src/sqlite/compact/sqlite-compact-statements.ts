import type { Database, Statement } from 'better-sqlite3';
import { COMPACT_COLUMNS } from './sqlite-compact-row';

/** The statements of a compact (version 2) ledger file, prepared once per connection. */
export interface CompactStatements {
  /** Last revision and hash of a stream (by its name id). */
  head: Statement;
  /** Stream (name id) and revision of a stored event id. */
  eventById: Statement;
  /** Event ids and positions of a stream from a revision, for idempotent retries. */
  refsFrom: Statement;
  insert: Statement;
  /** A stream from a revision, at most a limit of events (-1: no limit). */
  readStream: Statement;
  /** Hash of the last event of a stream before a revision: the link of the event read after it. */
  hashBefore: Statement;
  readAll: Statement;
  /** Streams of one category (by its name id), in position order: a range scan of (category, position). */
  readCategory: Statement;
  /** Streams whose id starts with a prefix longer than its category (e.g. one org's stream). */
  readStreamRange: Statement;
  /** Prefix without `-` (rare): scans the log in position order, filtering by stream name. */
  readPrefixScan: Statement;
  headPosition: Statement;
}

/**
 * Prepares the statements. Those of the write path use safe integers (exact bigints); those
 * returning rows do not: their position and revision come back as text (see CompactRow).
 */
export function prepareCompactStatements(db: Database): CompactStatements {
  const prepare = (sql: string): Statement => db.prepare(sql).safeIntegers(true);
  const prepareValue = (sql: string): Statement => db.prepare(sql).safeIntegers(false);
  const prepareRows = (sql: string): Statement => db.prepare(sql).safeIntegers(false).raw(true);
  return {
    head: prepare('SELECT revision, hash FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1'),
    eventById: prepare('SELECT stream, revision FROM events WHERE event_id = ?'),
    refsFrom: prepare('SELECT event_id AS eventId, revision, position FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?'),
    insert: prepare(
      `INSERT INTO events (stream, revision, event_id, type, category, hash, data, metadata, decision_id, org, device,
         action, allowed, code, org_revision, decided_at, actor, correlation_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    readStream: prepareRows(`SELECT ${COMPACT_COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`),
    hashBefore: prepareValue(
      `SELECT CASE WHEN typeof(hash) = 'blob' AND length(hash) = 32 THEN lower(hex(hash)) END FROM events
       WHERE stream = ? AND revision < ? ORDER BY revision DESC LIMIT 1`,
    ).pluck(),
    readAll: prepareRows(`SELECT ${COMPACT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`),
    readCategory: prepareRows(
      `SELECT ${COMPACT_COLUMNS} FROM events INDEXED BY events_category_position
       WHERE category = @category AND position > @after ORDER BY position LIMIT @limit`,
    ),
    readStreamRange: prepareRows(
      `SELECT ${COMPACT_COLUMNS} FROM events
       WHERE stream IN (SELECT id FROM names WHERE value >= @prefix AND value < @prefix || char(1114111))
         AND position > @after ORDER BY position LIMIT @limit`,
    ),
    readPrefixScan: prepareRows(
      `SELECT ${COMPACT_COLUMNS} FROM events
       WHERE position > @after AND stream IN (SELECT id FROM names WHERE substr(value, 1, length(@prefix)) = @prefix)
       ORDER BY position LIMIT @limit`,
    ),
    headPosition: prepare('SELECT max(position) AS position FROM events'),
  };
}
