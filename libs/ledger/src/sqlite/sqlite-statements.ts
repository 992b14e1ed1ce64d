import type { Database, Statement } from 'better-sqlite3';
import type { StoredEventRow } from '../stored-event';
import { streamCategory } from '../stream-names';

const COLUMNS =
  'stream_id AS streamId, revision, position, event_id AS eventId, type, data AS dataJson, metadata AS metadataJson';
const HAS_PREFIX = 'substr(stream_id, 1, length(@prefix)) = @prefix';

/** The statements of a SqliteEventLedger, prepared once per connection. */
export interface SqliteStatements {
  /** Last revision and hash of a stream. */
  head: Statement;
  /** Stream and revision of an event id. */
  eventById: Statement;
  /** Event ids and positions of a stream from a revision, for idempotent retries. */
  refsFrom: Statement;
  insert: Statement;
  /** A stream from a revision, at most a limit of events (-1: no limit). */
  readStream: Statement;
  /** Hash of the last event before a revision, to verify a stream read from the middle. */
  hashBefore: Statement;
  readAll: Statement;
  /** Prefix containing `-`: an index range scan on (category, position). */
  readCategory: Statement;
  /**
   * Prefix longer than its category (e.g. one org's stream): a range scan on the stream-id
   * index, then sorted by position. The category index would scan every later event of the
   * whole category, per page, once the prefix's streams have no more events.
   */
  readStreamRange: Statement;
  /** Prefix without `-` (rare): scans the log in position order, filtering by prefix. */
  readPrefixScan: Statement;
  headPosition: Statement;
}

/**
 * Prepares every statement with safe integers, so positions and revisions (and the rowid of
 * an insert) come back as exact bigints even beyond 2^53.
 */
export function prepareStatements(db: Database): SqliteStatements {
  const prepare = (sql: string): Statement => db.prepare(sql).safeIntegers(true);
  return {
    head: prepare(
      `SELECT revision, json_extract(metadata, '$.hash') AS hash FROM events
       WHERE stream_id = ? ORDER BY revision DESC LIMIT 1`,
    ),
    eventById: prepare('SELECT stream_id AS streamId, revision FROM events WHERE event_id = ?'),
    refsFrom: prepare(
      `SELECT event_id AS eventId, revision, position FROM events
       WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
    ),
    insert: prepare(
      `INSERT INTO events (stream_id, revision, event_id, type, data, metadata, category)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    readStream: prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`),
    hashBefore: prepare(
      `SELECT json_extract(metadata, '$.hash') AS hash FROM events
       WHERE stream_id = ? AND revision < ? ORDER BY revision DESC LIMIT 1`,
    ),
    readAll: prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`),
    readCategory: prepare(
      `SELECT ${COLUMNS} FROM events INDEXED BY events_category_position
       WHERE category = @category AND position > @after AND ${HAS_PREFIX} ORDER BY position LIMIT @limit`,
    ),
    readStreamRange: prepare(
      `SELECT ${COLUMNS} FROM events
       WHERE stream_id >= @prefix AND stream_id < @prefix || char(1114111) AND position > @after ORDER BY position LIMIT @limit`,
    ),
    readPrefixScan: prepare(
      `SELECT ${COLUMNS} FROM events WHERE position > @after AND ${HAS_PREFIX} ORDER BY position LIMIT @limit`,
    ),
    headPosition: prepare('SELECT max(position) AS position FROM events'),
  };
}

/** One page of the events of streams starting with `prefix`, using the category index when it can. */
export function readPrefix(st: SqliteStatements, prefix: string, after: bigint, limit: number): StoredEventRow[] {
  const category = streamCategory(prefix);
  const statement = !category.endsWith('-') ? st.readPrefixScan : prefix === category ? st.readCategory : st.readStreamRange;
  return statement.all({ category, prefix, after, limit }) as StoredEventRow[];
}
