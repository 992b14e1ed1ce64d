import type { Database } from 'better-sqlite3';
import type { ExpectedRevision, NewEvent, RecordedEvent } from '../event-ledger.port';
import { GENESIS_HASH } from '../hash-chain';
import { type StoredEventRow, toRecordedEvent } from '../stored-event';
import { appendInTransaction, type SqliteAppendOutcome } from './sqlite-append';
import type { SqliteFormat } from './sqlite-format';
import { prepareStatements, readPrefix, type SqliteStatements } from './sqlite-statements';

/**
 * Version 1 files (written before compact records): one row per event with its data and
 * metadata as JSON text, `prevHash` and `hash` in hex inside the metadata. Still read and
 * appended to as they are; nothing is migrated.
 */
export class SqliteV1Format implements SqliteFormat {
  readonly version = 1;
  private readonly st: SqliteStatements;

  constructor(db: Database) {
    this.st = prepareStatements(db);
  }

  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): SqliteAppendOutcome {
    return appendInTransaction(this.st, streamId, events, expected);
  }

  rolledBack(): void {}

  readStream(streamId: string, fromRevision: bigint, limit: number): { events: RecordedEvent[]; prevHash: string } {
    const rows = this.st.readStream.all(streamId, fromRevision, limit) as StoredEventRow[];
    const before = fromRevision > 0n ? (this.st.hashBefore.get(streamId, fromRevision) as { hash: unknown } | undefined) : undefined;
    return { events: rows.map(toRecordedEvent), prevHash: before === undefined ? GENESIS_HASH : String(before.hash) };
  }

  readAll(after: bigint, prefixes: readonly string[] | undefined, limit: number): RecordedEvent[] {
    let rows: StoredEventRow[];
    if (prefixes === undefined) rows = this.st.readAll.all(after, limit) as StoredEventRow[];
    else if (prefixes.length === 1) rows = readPrefix(this.st, prefixes[0], after, limit);
    else {
      rows = prefixes.flatMap((prefix) => readPrefix(this.st, prefix, after, limit));
      rows.sort((a, b) => (a.position < b.position ? -1 : 1));
      rows = rows.slice(0, limit);
    }
    return rows.map(toRecordedEvent);
  }

  headPosition(): bigint | undefined {
    return (this.st.headPosition.get() as { position: bigint | null }).position ?? undefined;
  }
}
