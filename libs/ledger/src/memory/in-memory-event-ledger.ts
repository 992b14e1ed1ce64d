import { ConcurrencyError, LedgerUnavailableError, WardenError } from '@warden/domain';
import { AppendNotifier } from '../append-notifier';
import {
  NO_STREAM_REVISION,
  assertValidAppend,
  checkExpectedRevision,
  describeExpected,
  resolveRetry,
} from '../append-rules';
import type {
  AppendOptions,
  AppendResult,
  EventHandler,
  LedgerSubscription,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
} from '../event-ledger.port';
import { EventLedger } from '../event-ledger.port';
import { GENESIS_HASH, sealEvent, verifyChain } from '../hash-chain';
import { matchesPrefixes, resolveReadAll, resolveStreamLimit } from '../read-all-options';
import { type StoredEventRow, toRecordedEvent } from '../stored-event';
import { SubscriptionRegistry } from '../subscription-registry';

/**
 * The data of an in-memory ledger, separate from the ledger object so that a "reopened"
 * ledger (a new InMemoryEventLedger over the same store) sees the same events, and so that
 * tests can tamper with stored rows. Rows are kept in position order.
 */
export class InMemoryLedgerStore {
  /** The global log, in position order. */
  readonly log: StoredEventRow[] = [];
  /** Each stream's rows, in revision order. */
  readonly streams = new Map<string, StoredEventRow[]>();
  readonly byEventId = new Map<string, StoredEventRow>();
  /** Wakes the subscriptions of every ledger sharing this store. */
  readonly notifier = new AppendNotifier();
  /** Position the next event gets; fixed by the first ledger opened on the store. */
  nextPosition: bigint | undefined;
}

/** Options of {@link InMemoryEventLedger}. */
export interface InMemoryEventLedgerOptions {
  /** Share a store to simulate close and reopen. Default: a fresh store. */
  store?: InMemoryLedgerStore;
  /** Position of the first event of a fresh store (default 1n, must be ≥ 1n). Ignored once set. */
  firstPosition?: bigint;
  /** Page size of subscriptions (default 500). */
  subscriptionPageSize?: number;
}

/**
 * EventLedger kept in arrays and maps: the adapter of unit tests and the reference for the
 * contract suite. Data is stored as canonical JSON and parsed on read, like a real store.
 */
export class InMemoryEventLedger extends EventLedger {
  readonly store: InMemoryLedgerStore;
  private readonly subscriptionPageSize: number | undefined;
  private readonly subscriptions = new SubscriptionRegistry();
  private closed = false;

  constructor(options: InMemoryEventLedgerOptions = {}) {
    super();
    this.store = options.store ?? new InMemoryLedgerStore();
    this.subscriptionPageSize = options.subscriptionPageSize;
    if (this.store.nextPosition === undefined) {
      const first = options.firstPosition ?? 1n;
      if (first < 1n) {
        throw new WardenError('invalid', 'invalid_first_position', `first position must be at least 1, got ${first}`);
      }
      this.store.nextPosition = first;
    }
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    this.ensureOpen();
    const expected = options.expectedRevision;
    assertValidAppend(streamId, events, expected);
    const store = this.store;
    const rows = store.streams.get(streamId) ?? [];
    const last = rows[rows.length - 1];
    const current = last?.revision ?? NO_STREAM_REVISION;

    const first = store.byEventId.get(events[0].eventId);
    if (first !== undefined && first.streamId === streamId) {
      const from = rows.indexOf(first);
      return resolveRetry(streamId, events, expected, rows.slice(from, from + events.length), current);
    }
    checkExpectedRevision(streamId, expected, current);
    if (events.some((event) => store.byEventId.has(event.eventId))) {
      throw new ConcurrencyError(streamId, describeExpected(expected), current);
    }

    // Seal everything before touching the store, so a serialization error writes nothing.
    let prevHash = last === undefined ? GENESIS_HASH : (JSON.parse(last.metadataJson).hash as string);
    let position = store.nextPosition ?? 1n;
    let revision = current;
    const sealed: StoredEventRow[] = events.map((event) => {
      const { metadata, dataJson } = sealEvent(prevHash, event);
      prevHash = metadata.hash;
      revision += 1n;
      return {
        streamId,
        revision,
        position: position++,
        eventId: event.eventId,
        type: event.type,
        dataJson,
        metadataJson: JSON.stringify(metadata),
      };
    });
    if (!store.streams.has(streamId)) store.streams.set(streamId, rows);
    for (const row of sealed) {
      rows.push(row);
      store.log.push(row);
      store.byEventId.set(row.eventId, row);
    }
    store.nextPosition = position;
    store.notifier.notify(streamId);
    const tail = sealed[sealed.length - 1];
    return { nextRevision: tail.revision, position: tail.position };
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.ensureOpen();
    const rows = this.store.streams.get(streamId) ?? [];
    const fromRevision = options?.fromRevision ?? 0n;
    const limit = resolveStreamLimit(options?.limit);
    const start = firstIndexFrom(rows, fromRevision);
    if (start >= rows.length) return [];
    const events = rows.slice(start, limit === undefined ? undefined : start + limit).map(toRecordedEvent);
    const prevHash = start === 0 ? GENESIS_HASH : toRecordedEvent(rows[start - 1]).metadata.hash;
    verifyChain(events, prevHash);
    return events;
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    this.ensureOpen();
    const { after, prefixes, limit } = resolveReadAll(options);
    const log = this.store.log;
    const page: RecordedEvent[] = [];
    for (let i = firstIndexAfter(log, after); i < log.length && page.length < limit; i++) {
      if (matchesPrefixes(log[i].streamId, prefixes)) page.push(toRecordedEvent(log[i]));
    }
    return page;
  }

  subscribe(options: SubscribeOptions, handler: EventHandler): LedgerSubscription {
    this.ensureOpen();
    const catchUp = { ...options, pageSize: this.subscriptionPageSize };
    return this.subscriptions.start((page) => this.readAll(page), this.store.notifier, catchUp, handler);
  }

  async headPosition(): Promise<bigint | undefined> {
    this.ensureOpen();
    return this.store.log[this.store.log.length - 1]?.position;
  }

  /** Stops this ledger's subscriptions; the store (and other ledgers on it) stay intact. */
  async close(): Promise<void> {
    this.closed = true;
    await this.subscriptions.closeAll();
  }

  private ensureOpen(): void {
    if (this.closed) throw new LedgerUnavailableError('the in-memory ledger is closed');
  }
}

/** Index of the first row with revision >= from (a stream's rows are sorted by revision). */
function firstIndexFrom(rows: readonly StoredEventRow[], from: bigint): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (rows[mid].revision < from) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Index of the first row with position > after (the log is sorted by position). */
function firstIndexAfter(log: readonly StoredEventRow[], after: bigint): number {
  let low = 0;
  let high = log.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (log[mid].position <= after) low = mid + 1;
    else high = mid;
  }
  return low;
}
