import { EventStoreDBClient, FORWARDS, StreamNotFoundError, streamNameFilter } from '@eventstore/db-client';
import { LedgerIntegrityError, LedgerUnavailableError, WardenError } from '@warden/domain';
import { assertValidAppend } from '../append-rules';
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
import { EventStoreDbAppender } from './eventstoredb-append';
import { retryOnceIfUnavailable, toLedgerError } from './eventstoredb-errors';
import { type EsdbRecord, toRecordedEvent } from './eventstoredb-events';
import { FilteredReadClient, NON_SYSTEM_STREAMS, type StreamFilter } from './eventstoredb-filtered-read';
import { EventStoreDbSubscription } from './eventstoredb-subscription';
import { GENESIS_HASH, verifyChain } from '../hash-chain';
import { normalizePrefixes, resolveReadAll, resolveStreamLimit } from '../read-all-options';

/** Options of {@link EventStoreDbEventLedger.connect}. */
export interface EventStoreDbEventLedgerOptions {
  /** How many of a stream's newest event ids are checked to recognise a retried append (default 64). */
  idempotencyWindow?: number;
  /** Backoff between resubscriptions after a dropped subscription (default 10 ms → 1 s). */
  resubscribeDelayMs?: { initial: number; max: number };
}

/**
 * EventLedger on EventStoreDB (@eventstore/db-client). Streams map one to one; positions are
 * commit positions; our event ids become UUID v5 (the original kept in metadata); system
 * streams (`$…`) are never read. Vendor errors are translated: WrongExpectedVersionError →
 * ConcurrencyError, everything else → LedgerUnavailableError.
 */
export class EventStoreDbEventLedger extends EventLedger {
  private readonly appender: EventStoreDbAppender;
  private readonly live = new Set<EventStoreDbSubscription>();
  private closed = false;

  private constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: EventStoreDbEventLedgerOptions,
  ) {
    super();
    this.appender = new EventStoreDbAppender(client, options.idempotencyWindow ?? 64);
  }

  /**
   * Creates the client for a connection string (`esdb://host:2113?tls=false`, ...). The client
   * connects lazily: an unreachable server shows as LedgerUnavailableError on the first call.
   */
  static async connect(connectionString: string, options: EventStoreDbEventLedgerOptions = {}): Promise<EventStoreDbEventLedger> {
    let client: EventStoreDBClient;
    try {
      client = EventStoreDBClient.connectionString(connectionString);
    } catch (error) {
      throw new WardenError('invalid', 'invalid_eventstore_url', `invalid EventStoreDB connection string: ${String(error)}`);
    }
    return new EventStoreDbEventLedger(client, options);
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    this.ensureOpen();
    assertValidAppend(streamId, events, options.expectedRevision);
    try {
      // Safe to repeat: event ids are deterministic, so a first attempt that did land is recognised.
      return await retryOnceIfUnavailable(() => this.appender.append(streamId, events, options.expectedRevision));
    } catch (error) {
      throw toLedgerError(error, `append to ${streamId}`, streamId, options.expectedRevision);
    }
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.ensureOpen();
    const from = options?.fromRevision ?? 0n;
    const limit = resolveStreamLimit(options?.limit);
    // From one revision earlier: that event's hash is where the chain of the result starts.
    const start = from > 0n ? from - 1n : 0n;
    const page = limit === undefined ? {} : { maxCount: BigInt(limit) + (from > 0n ? 1n : 0n) };
    const records: EsdbRecord[] = [];
    try {
      await retryOnceIfUnavailable(async () => {
        records.length = 0;
        for await (const resolved of this.client.readStream(streamId, { fromRevision: start, direction: FORWARDS, ...page })) {
          const e = resolved.event;
          if (e !== undefined) records.push({ ...e, position: e.position?.commit });
        }
      });
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw toLedgerError(error, `read ${streamId}`, streamId);
    }
    const events = records.map(toRecordedEvent);
    if (from === 0n) {
      verifyChain(events, GENESIS_HASH);
      return events;
    }
    if (events.length === 0) return [];
    const before = events[0];
    if (before.revision !== start) {
      throw new LedgerIntegrityError(`${streamId}@${start}: event is missing`, streamId, start, undefined);
    }
    const tail = events.slice(1);
    verifyChain(tail, before.metadata.hash);
    return tail;
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    this.ensureOpen();
    const { after, prefixes, limit } = resolveReadAll(options);
    if (prefixes !== undefined && prefixes.length === 0) return [];
    const filter: StreamFilter = prefixes === undefined ? NON_SYSTEM_STREAMS : { prefixes };
    // EventStoreDB reads from a position inclusively: ask for one more and drop `after` itself.
    const from = after > 0n ? after : undefined;
    try {
      const request = { from, direction: 'forwards', filter, maxCount: limit + 1 } as const;
      const records = await retryOnceIfUnavailable(() => FilteredReadClient.read(this.client, request));
      return records
        .map(toRecordedEvent)
        .filter((event) => event.position > after)
        .slice(0, limit);
    } catch (error) {
      throw toLedgerError(error, 'read all');
    }
  }

  subscribe(options: SubscribeOptions, handler: EventHandler): LedgerSubscription {
    this.ensureOpen();
    const prefixes = options.streamPrefixes === undefined ? undefined : normalizePrefixes(options.streamPrefixes);
    // No prefix matches no stream: `^$` (no stream has an empty name), never an empty prefix list.
    const filter =
      prefixes === undefined
        ? streamNameFilter({ regex: '^[^$]' })
        : prefixes.length === 0
          ? streamNameFilter({ regex: '^$' })
          : streamNameFilter({ prefixes });
    const subscription = new EventStoreDbSubscription(
      (from) =>
        this.client.subscribeToAll({ fromPosition: from === 'start' ? from : { commit: from, prepare: from }, filter }),
      { after: options.after, retryDelayMs: this.options.resubscribeDelayMs ?? { initial: 10, max: 1000 } },
      handler,
    );
    this.live.add(subscription);
    const forget = (): void => {
      this.live.delete(subscription);
    };
    subscription.done.then(forget, forget);
    return subscription;
  }

  async headPosition(): Promise<bigint | undefined> {
    this.ensureOpen();
    try {
      const request = { from: undefined, direction: 'backwards', filter: NON_SYSTEM_STREAMS, maxCount: 1 } as const;
      const [head] = await retryOnceIfUnavailable(() => FilteredReadClient.read(this.client, request));
      return head?.position;
    } catch (error) {
      throw toLedgerError(error, 'head position');
    }
  }

  /** Stops the subscriptions, then disposes the client. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.live].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  private ensureOpen(): void {
    if (this.closed) throw new LedgerUnavailableError('the EventStoreDB ledger is closed');
  }
}
