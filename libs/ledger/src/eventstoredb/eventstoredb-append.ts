import { BACKWARDS, END, type EventStoreDBClient, StreamNotFoundError, WrongExpectedVersionError } from '@eventstore/db-client';
import { ConcurrencyError, LedgerIntegrityError } from '@warden/domain';
import {
  NO_STREAM_REVISION,
  type StoredEventRef,
  checkExpectedRevision,
  describeExpected,
  resolveRetry,
} from '../append-rules';
import type { AppendResult, ExpectedRevision, NewEvent } from '../event-ledger.port';
import { actualRevision } from './eventstoredb-errors';
import { type EsdbRecord, toEventData, toRecordedEvent } from './eventstoredb-events';
import { GENESIS_HASH, sealEvent } from '../hash-chain';

/** The end of a stream as the appender knows it: head revision and hash, and the newest event ids. */
interface StreamTail {
  revision: bigint;
  hash: string;
  /** The newest events (up to the idempotency window), oldest first. */
  recent: StoredEventRef[];
}

/** Attempts of an `any`/`stream_exists` append when another writer keeps moving the head. */
const MAX_ATTEMPTS = 5;

/**
 * Appends with the hash chain. The head is read (or, for `any`, taken from the cache of this
 * process's last append) and the events are linked to its hash; the caller's expected revision
 * is checked against it with EventStoreDB semantics, and the append is then sent with the
 * head's exact revision, so that the server refuses it if anybody wrote in between and no
 * event can be linked to a stale hash. A retry (first id among the newest events) is decided
 * by the shared retry rule; an id of the batch among the newest events elsewhere is a conflict.
 */
export class EventStoreDbAppender {
  private readonly tails = new Map<string, StreamTail>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly window: number,
  ) {}

  /** Serialises appends to one stream within this process (they share the cached head). */
  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const previous = this.locks.get(streamId) ?? Promise.resolve();
    const run = previous.then(
      () => this.appendOnce(streamId, events, expected),
      () => this.appendOnce(streamId, events, expected),
    );
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(streamId, settled);
    void settled.then(() => {
      if (this.locks.get(streamId) === settled) this.locks.delete(streamId);
    });
    return run;
  }

  /** Forgets the cached heads (e.g. after the server went away). */
  forget(streamId?: string): void {
    if (streamId === undefined) this.tails.clear();
    else this.tails.delete(streamId);
  }

  private async appendOnce(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    for (let attempt = 1; ; attempt++) {
      const cached = expected === 'any' ? this.tails.get(streamId) : undefined;
      let tail = cached ?? (await this.readTail(streamId));
      let retried = this.retried(streamId, events, expected, tail);
      if (retried !== undefined && retried.position < 0n) {
        // A retry ending inside a batch this process wrote: its position is only on the server.
        tail = await this.readTail(streamId);
        retried = this.retried(streamId, events, expected, tail);
      }
      if (retried !== undefined) return retried;
      checkExpectedRevision(streamId, expected, tail.revision);
      let prevHash = tail.hash;
      const proposed = events.map((event) => {
        const { metadata, dataJson } = sealEvent(prevHash, event);
        prevHash = metadata.hash;
        return toEventData(event.eventId, event.type, dataJson, metadata);
      });
      const wire = tail.revision === NO_STREAM_REVISION ? 'no_stream' : tail.revision;
      try {
        const result = await this.client.appendToStream(streamId, proposed, { expectedRevision: wire });
        const position = result.position?.commit ?? 0n;
        const firstRevision = result.nextExpectedRevision - BigInt(events.length) + 1n;
        // The server reports the position of the last event only; the others are marked unknown (-1).
        const last = events.length - 1;
        const written = events.map((e, i) => ({
          eventId: e.eventId,
          revision: firstRevision + BigInt(i),
          position: i === last ? position : -1n,
        }));
        const recent = [...tail.recent, ...written].slice(-this.window);
        this.tails.set(streamId, { revision: result.nextExpectedRevision, hash: prevHash, recent });
        return { nextRevision: result.nextExpectedRevision, position };
      } catch (error) {
        this.tails.delete(streamId);
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        // Someone wrote after we read the head. Only `any`/`stream_exists` may still hold.
        const mayHold = expected === 'any' || (expected === 'stream_exists' && actualRevision(error) >= 0n);
        if (!mayHold || attempt >= MAX_ATTEMPTS) {
          throw new ConcurrencyError(streamId, describeExpected(expected), actualRevision(error));
        }
      }
    }
  }

  private retried(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
    tail: StreamTail,
  ): AppendResult | undefined {
    const ids = new Set(events.map((e) => e.eventId));
    const first = tail.recent.findIndex((ref) => ref.eventId === events[0].eventId);
    if (first >= 0) return resolveRetry(streamId, events, expected, tail.recent.slice(first, first + events.length), tail.revision);
    if (tail.recent.some((ref) => ids.has(ref.eventId))) {
      throw new ConcurrencyError(streamId, describeExpected(expected), tail.revision);
    }
    return undefined;
  }

  /** Reads the newest events of a stream (backwards from the end); a missing stream is empty. */
  private async readTail(streamId: string): Promise<StreamTail> {
    const newest: EsdbRecord[] = [];
    try {
      const read = this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: this.window });
      for await (const resolved of read) {
        const event = resolved.event;
        if (event === undefined) continue;
        const { streamId: id, id: uuid, revision, type, data, metadata, position } = event;
        newest.push({ streamId: id, id: uuid, revision, type, data, metadata, position: position?.commit });
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    if (newest.length === 0) return { revision: NO_STREAM_REVISION, hash: GENESIS_HASH, recent: [] };
    const recorded = newest.reverse().map(toRecordedEvent);
    const head = recorded[recorded.length - 1];
    if (typeof head.metadata.hash !== 'string') {
      throw new LedgerIntegrityError(`${streamId}@${head.revision}: head event has no hash`, streamId, head.revision, head.position);
    }
    const recent = recorded.map((e) => ({ eventId: e.eventId, revision: e.revision, position: e.position }));
    return { revision: head.revision, hash: head.metadata.hash, recent };
  }
}
