import type { ExpectedRevision, NewEvent, RecordedEvent } from '../event-ledger.port';
import type { SqliteAppendOutcome } from './sqlite-append';

/**
 * How events sit in one ledger file: version 1 (one row of JSON text per event, both hashes
 * in hex) or version 2 (compact rows, see compact/). A file keeps the format it was created
 * with; SqliteEventLedger reads and writes either through this interface. Every method runs
 * inside a transaction the ledger opens (append: BEGIN IMMEDIATE; reads: one snapshot).
 */
export interface SqliteFormat {
  /** The schema version (`PRAGMA user_version`) of the file. */
  readonly version: number;
  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): SqliteAppendOutcome;
  /** Called after an append's transaction rolled back. */
  rolledBack(): void;
  /** A page of a stream with the hash its first event must link to (not verified yet). */
  readStream(streamId: string, fromRevision: bigint, limit: number): { events: RecordedEvent[]; prevHash: string };
  /** A page of the global log, optionally only streams starting with one of `prefixes`. */
  readAll(after: bigint, prefixes: readonly string[] | undefined, limit: number): RecordedEvent[];
  headPosition(): bigint | undefined;
}
