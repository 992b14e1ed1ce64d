import { ConcurrencyError, LedgerIntegrityError } from '@warden/domain';
import {
  NO_STREAM_REVISION,
  type StoredEventRef,
  checkExpectedRevision,
  describeExpected,
  resolveRetry,
} from '../append-rules';
import type { AppendResult, ExpectedRevision, NewEvent } from '../event-ledger.port';
import { GENESIS_HASH, sealEvent } from '../hash-chain';
import { isUniqueViolation } from './sqlite-errors';
import type { SqliteStatements } from './sqlite-statements';
import { streamCategory } from '../stream-names';

/** What an append did: `written` is false for a recognised retry (nothing new to notify). */
export interface SqliteAppendOutcome {
  result: AppendResult;
  written: boolean;
}

/**
 * The body of an append; must run inside BEGIN IMMEDIATE, so that nobody else can write
 * between reading the stream head and inserting (this is what makes optimistic concurrency
 * hold between processes sharing the file). Throws to roll back.
 */
export function appendInTransaction(
  st: SqliteStatements,
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): SqliteAppendOutcome {
  const head = st.head.get(streamId) as { revision: bigint; hash: unknown } | undefined;
  const current = head?.revision ?? NO_STREAM_REVISION;
  const first = st.eventById.get(events[0].eventId) as { streamId: string; revision: bigint } | undefined;
  if (first !== undefined && first.streamId === streamId) {
    const stored = st.refsFrom.all(streamId, first.revision, events.length) as StoredEventRef[];
    return { result: resolveRetry(streamId, events, expected, stored, current), written: false };
  }
  checkExpectedRevision(streamId, expected, current);
  if (head !== undefined && typeof head.hash !== 'string') {
    throw new LedgerIntegrityError(`${streamId}@${current}: head event has no hash`, streamId, current, undefined);
  }
  let prevHash = head === undefined ? GENESIS_HASH : (head.hash as string);
  let revision = current;
  let position = 0n;
  const category = streamCategory(streamId);
  for (const event of events) {
    const { metadata, dataJson } = sealEvent(prevHash, event);
    revision += 1n;
    try {
      const metadataJson = JSON.stringify(metadata);
      const inserted = st.insert.run(streamId, revision, event.eventId, event.type, dataJson, metadataJson, category);
      position = inserted.lastInsertRowid as bigint;
    } catch (error) {
      // Head and first id were checked under the write lock: the only unique key left to
      // violate is an id of this batch already used by another stream.
      if (isUniqueViolation(error)) throw new ConcurrencyError(streamId, describeExpected(expected), current);
      throw error;
    }
    prevHash = metadata.hash;
  }
  return { result: { nextRevision: revision, position }, written: true };
}
