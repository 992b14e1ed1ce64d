import { ConcurrencyError, WardenError } from '@warden/domain';
import type { AppendResult, ExpectedRevision, NewEvent } from './event-ledger.port';

/** Revision reported for a stream that does not exist (EventStoreDB convention). */
export const NO_STREAM_REVISION = -1n;

/** An already stored event, as needed to recognise a retried append. */
export interface StoredEventRef {
  eventId: string;
  revision: bigint;
  position: bigint;
}

/**
 * Rejects appends no adapter can honour: an empty stream id, an empty batch (we throw rather
 * than return the head, so a caller's bug is not mistaken for a write), a missing or duplicate
 * event id, or a negative expected revision.
 */
export function assertValidAppend(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): void {
  if (typeof streamId !== 'string' || streamId.length === 0) {
    throw new WardenError('invalid', 'invalid_stream_id', 'stream id must be a non-empty string');
  }
  if (events.length === 0) {
    throw new WardenError('invalid', 'empty_append', `append to ${streamId} has no events`, { streamId });
  }
  if (typeof expected === 'bigint' && expected < 0n) {
    throw new WardenError('invalid', 'invalid_expected_revision', `expected revision ${expected} is negative`, {
      streamId,
    });
  }
  const ids = new Set<string>();
  for (const event of events) {
    if (typeof event.eventId !== 'string' || event.eventId.length === 0 || ids.has(event.eventId)) {
      throw new WardenError('invalid', 'invalid_event_id', `append to ${streamId} has a missing or repeated event id`, {
        streamId,
        eventId: event.eventId,
      });
    }
    ids.add(event.eventId);
  }
}

/** The expected revision as ConcurrencyError reports it. */
export function describeExpected(expected: ExpectedRevision): string {
  return typeof expected === 'bigint' ? expected.toString() : expected;
}

/**
 * Checks optimistic concurrency with EventStoreDB semantics. `current` is the stream's last
 * revision, NO_STREAM_REVISION when it does not exist.
 */
export function checkExpectedRevision(streamId: string, expected: ExpectedRevision, current: bigint): void {
  const exists = current !== NO_STREAM_REVISION;
  const holds =
    expected === 'any' ||
    (expected === 'no_stream' && !exists) ||
    (expected === 'stream_exists' && exists) ||
    (typeof expected === 'bigint' && expected === current);
  if (!holds) throw new ConcurrencyError(streamId, describeExpected(expected), current);
}

/**
 * Decides a retried append (its first event id is already in this stream): when the stored
 * events from that revision on carry exactly the batch's ids, in order, the original result
 * is returned and nothing is written; otherwise the batch conflicts with what was stored.
 */
export function resolveRetry(
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
  stored: readonly StoredEventRef[],
  current: bigint,
): AppendResult {
  const matches =
    stored.length === events.length &&
    stored.every((ref, i) => ref.eventId === events[i].eventId && ref.revision === stored[0].revision + BigInt(i));
  if (!matches) throw new ConcurrencyError(streamId, describeExpected(expected), current);
  const last = stored[stored.length - 1];
  return { nextRevision: last.revision, position: last.position };
}
