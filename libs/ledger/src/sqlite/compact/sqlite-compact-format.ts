import type { Database } from 'better-sqlite3';
import { ConcurrencyError, LedgerIntegrityError } from '@warden/domain';
import { checkExpectedRevision, describeExpected, NO_STREAM_REVISION, resolveRetry, type StoredEventRef } from '../../append-rules';
import type { ExpectedRevision, NewEvent, RecordedEvent } from '../../event-ledger.port';
import { GENESIS_HASH, sealEvent } from '../../hash-chain';
import { streamCategory } from '../../stream-names';
import type { SqliteAppendOutcome } from '../sqlite-append';
import { isUniqueViolation } from '../sqlite-errors';
import type { SqliteFormat } from '../sqlite-format';
import { type CompactRow, decodeRow, encodeEvent, ROW_POSITION, ROW_REVISION, ROW_STREAM } from './sqlite-compact-row';
import { type CompactStatements, prepareCompactStatements } from './sqlite-compact-statements';
import { decodeEventId, encodeEventId } from './sqlite-event-id';
import { SqliteNameTable } from './sqlite-name-table';

const HASH_BYTES = 32;

/**
 * Version 2 files: compact rows (see sqlite-schema). Each row keeps its own hash as 32 bytes;
 * its `prevHash` is the hash of the row before it in its stream, given back on read, so an
 * altered, removed or moved record still breaks the chain at that record.
 */
export class SqliteCompactFormat implements SqliteFormat {
  readonly version = 2;
  private readonly st: CompactStatements;
  private readonly names: SqliteNameTable;

  constructor(db: Database) {
    this.st = prepareCompactStatements(db);
    this.names = new SqliteNameTable(db);
  }

  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): SqliteAppendOutcome {
    const stream = this.names.intern(streamId);
    const head = this.st.head.get(stream) as { revision: bigint; hash: unknown } | undefined;
    const current = head?.revision ?? NO_STREAM_REVISION;
    const first = this.st.eventById.get(encodeEventId(events[0].eventId)) as { stream: bigint; revision: bigint } | undefined;
    if (first !== undefined && first.stream === stream) {
      const rows = this.st.refsFrom.all(stream, first.revision, events.length) as { eventId: string | Buffer; revision: bigint; position: bigint }[];
      const stored: StoredEventRef[] = rows.map((row) => ({ ...row, eventId: decodeEventId(row.eventId) }));
      return { result: resolveRetry(streamId, events, expected, stored, current), written: false };
    }
    checkExpectedRevision(streamId, expected, current);
    if (head !== undefined && !(Buffer.isBuffer(head.hash) && head.hash.length === HASH_BYTES)) {
      throw new LedgerIntegrityError(`${streamId}@${current}: head event has no hash`, streamId, current, undefined);
    }
    let prevHash = head === undefined ? GENESIS_HASH : (head.hash as Buffer).toString('hex');
    let revision = current;
    let position = 0n;
    const category = this.names.intern(streamCategory(streamId));
    for (const event of events) {
      const sealed = sealEvent(prevHash, event);
      revision += 1n;
      try {
        position = this.st.insert.run(...encodeEvent(this.names, stream, category, revision, event, sealed)).lastInsertRowid as bigint;
      } catch (error) {
        // Head and first id were checked under the write lock: the only unique key left to
        // violate is an id of this batch already used by another stream.
        if (isUniqueViolation(error)) throw new ConcurrencyError(streamId, describeExpected(expected), current);
        throw error;
      }
      prevHash = sealed.metadata.hash;
    }
    return { result: { nextRevision: revision, position }, written: true };
  }

  rolledBack(): void {
    this.names.forgetUncommitted();
  }

  readStream(streamId: string, fromRevision: bigint, limit: number): { events: RecordedEvent[]; prevHash: string } {
    const id = this.names.find(streamId);
    if (id === undefined) return { events: [], prevHash: GENESIS_HASH };
    const stream = Number(id);
    const rows = this.st.readStream.all(stream, fromRevision, limit) as CompactRow[];
    const start = fromRevision > 0n ? this.hashBefore(stream, fromRevision) : GENESIS_HASH;
    let prevHash = start;
    const events = rows.map((row) => {
      const event = decodeRow(this.names, row, prevHash);
      prevHash = event.metadata.hash;
      return event;
    });
    return { events, prevHash: start };
  }

  readAll(after: bigint, prefixes: readonly string[] | undefined, limit: number): RecordedEvent[] {
    let rows: CompactRow[];
    if (prefixes === undefined) rows = this.st.readAll.all(after, limit) as CompactRow[];
    else if (prefixes.length === 1) rows = this.readPrefix(prefixes[0], after, limit);
    else {
      rows = prefixes.flatMap((prefix) => this.readPrefix(prefix, after, limit));
      rows.sort((a, b) => (BigInt(a[ROW_POSITION]) < BigInt(b[ROW_POSITION]) ? -1 : 1));
      rows = rows.slice(0, limit);
    }
    // Each row links to the one before it in its stream: in this page when it is there (one
    // lookup per stream and page otherwise).
    const heads = new Map<number, string>();
    return rows.map((row) => {
      const stream = row[ROW_STREAM];
      const prevHash = heads.get(stream) ?? (row[ROW_REVISION] === '0' ? GENESIS_HASH : this.hashBefore(stream, row[ROW_REVISION]));
      const event = decodeRow(this.names, row, prevHash);
      heads.set(stream, event.metadata.hash);
      return event;
    });
  }

  headPosition(): bigint | undefined {
    return (this.st.headPosition.get() as { position: bigint | null }).position ?? undefined;
  }

  private readPrefix(prefix: string, after: bigint, limit: number): CompactRow[] {
    const category = streamCategory(prefix);
    if (!category.endsWith('-')) return this.st.readPrefixScan.all({ prefix, after, limit }) as CompactRow[];
    if (prefix !== category) return this.st.readStreamRange.all({ prefix, after, limit }) as CompactRow[];
    const id = this.names.find(category);
    return id === undefined ? [] : (this.st.readCategory.all({ category: Number(id), after, limit }) as CompactRow[]);
  }

  /** The hash of the nearest event before `revision` (GENESIS_HASH when none is left: the chain then breaks there). */
  private hashBefore(stream: number, revision: bigint | string): string {
    const hash = this.st.hashBefore.get(stream, BigInt(revision)) as string | null | undefined;
    return typeof hash === 'string' ? hash : GENESIS_HASH;
  }
}
