/**
 * The EventLedger port: the append-only source of truth of warden.
 *
 * Positions and revisions are bigint everywhere: EventStoreDB commit positions are 64-bit
 * and may exceed 2^53, so nothing in the ledger API is a JS number. At the edges (HTTP,
 * NATS) they travel as decimal strings.
 */

/** Hash-chain and causation data carried by every stored event. */
export interface EventMetadata {
  /** Key id of the caller, or `admin` / `system`. */
  actor: string;
  correlationId: string;
  causationId?: string;
  /** Filled by the ledger on append: hash of the previous event of the same stream (64 zeros for the first). */
  prevHash?: string;
  /** Filled by the ledger on append: sha256(prevHash + canonical({type, data, metadata without hash})). */
  hash?: string;
}

/** An event to append. `eventId` makes the append idempotent (a retry of the same ids is not duplicated). */
export interface NewEvent<Type extends string = string, Data = unknown> {
  eventId: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

/** An event as stored, with its place in its stream and in the whole ledger. */
export interface RecordedEvent<Type extends string = string, Data = unknown> {
  streamId: string;
  /** 0-based revision inside the stream. */
  revision: bigint;
  /** Global, strictly increasing position across all streams (gaps allowed, never reordered). */
  position: bigint;
  eventId: string;
  type: Type;
  data: Data;
  metadata: Required<Pick<EventMetadata, 'prevHash' | 'hash'>> & EventMetadata;
}

/** Optimistic concurrency for append: the state the stream must be in. */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | bigint;

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event written (or already present, for an idempotent retry). */
  nextRevision: bigint;
  /** Global position of the last event written. */
  position: bigint;
}

export interface ReadStreamOptions {
  /** First revision to read (inclusive); omit to read from the start of the stream. */
  fromRevision?: bigint;
  /**
   * Most events returned: a page of the stream, whose chain is verified from the event before
   * it. Omit for the whole rest of the stream. Callers that share the event loop with
   * enforcement (audit reads) read a long stream page by page.
   */
  limit?: number;
}

export interface ReadAllOptions {
  /** Exclusive start: only events with position > after. Omit to read from the beginning. */
  after?: bigint;
  /** Only streams whose id starts with one of these prefixes (e.g. `org-`). Omit for all. */
  streamPrefixes?: readonly string[];
  /** Maximum events returned (adapters may cap it). */
  limit?: number;
}

export interface SubscribeOptions {
  /** Exclusive start position (a checkpoint); omit to start at the beginning of the ledger. */
  after?: bigint;
  streamPrefixes?: readonly string[];
}

/** Called for each event in position order; the next event is not delivered until the returned promise settles. */
export type EventHandler = (event: RecordedEvent) => void | Promise<void>;

export interface LedgerSubscription {
  /**
   * Resolves once every event that existed when the subscription started has been handled;
   * rejects, like `done`, if the subscription stops before that.
   */
  readonly caughtUp: Promise<void>;
  /** Position of the last event handled (undefined before the first). */
  readonly lastPosition: bigint | undefined;
  /**
   * Settles when delivery stops for good: resolves after close() (or the ledger's close), rejects
   * with the handler's error when a handler throws, or with the ledger's error when reading
   * fails for a reason other than the ledger being temporarily unavailable.
   */
  readonly done: Promise<void>;
  /** Stops delivery; resolves once no handler is running. Never rejects; see `done` for errors. */
  close(): Promise<void>;
}

/**
 * The ledger port. Also the Nest injection token for the configured adapter.
 * Errors thrown are from the ledger error family (ConcurrencyError, LedgerUnavailableError,
 * LedgerIntegrityError), never vendor errors.
 */
export abstract class EventLedger {
  /** Appends atomically to one stream; throws ConcurrencyError when expectedRevision does not hold. */
  abstract append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /** Reads a stream (or a page of it) in revision order, verifying its hash chain; a missing stream reads as []. */
  abstract readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Reads one page of the global log in position order. */
  abstract readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up subscription: every matching event after `after`, then live ones, no gaps, no duplicates. */
  abstract subscribe(options: SubscribeOptions, handler: EventHandler): LedgerSubscription;
  /** Position of the newest event in the ledger (any stream), or undefined when empty. */
  abstract headPosition(): Promise<bigint | undefined>;
  abstract close(): Promise<void>;
}
