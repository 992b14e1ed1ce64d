/**
 * The storage of {@link EventStoreTestServer}: streams and the global log kept in memory,
 * with EventStoreDB's append rules (expected revision, idempotent retries by event id).
 * Kept apart from the gRPC layer so that a stop()/restart() keeps the data.
 */

/** An event as the test server stores it. Positions are bigint (commit = prepare). */
export interface StoredRecord {
  streamId: string;
  revision: bigint;
  position: bigint;
  /** Event id, as the UUID string the client sent. */
  id: string;
  metadata: Map<string, string>;
  data: Uint8Array;
  customMetadata: Uint8Array;
}

/** A proposed event of an append. */
export interface ProposedRecord {
  id: string;
  metadata: Map<string, string>;
  data: Uint8Array;
  customMetadata: Uint8Array;
}

/** The expected stream state of an append, as in streams.proto. */
export type WireExpected = { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'revision'; revision: bigint };

/** Result of an append: written (or recognised as a retry), or the stream's current revision. */
export type AppendOutcome =
  | { ok: true; revision: bigint; position: bigint }
  | { ok: false; current: bigint | undefined };

export class EventStoreTestData {
  readonly log: StoredRecord[] = [];
  readonly streams = new Map<string, StoredRecord[]>();
  private nextPosition: bigint;
  private readonly listeners = new Set<(record: StoredRecord) => void>();

  constructor(
    firstPosition: bigint,
    private readonly positionStep: bigint,
  ) {
    this.nextPosition = firstPosition;
  }

  /** Position of the newest event, or undefined when empty. */
  get head(): bigint | undefined {
    return this.log.length === 0 ? undefined : this.log[this.log.length - 1].position;
  }

  append(streamId: string, expected: WireExpected, proposed: readonly ProposedRecord[]): AppendOutcome {
    const stream = this.streams.get(streamId) ?? [];
    const current = stream.length === 0 ? undefined : BigInt(stream.length - 1);
    const retry = this.idempotentRetry(stream, expected, proposed);
    if (retry !== undefined) return retry;
    const holds =
      expected.kind === 'any' ||
      (expected.kind === 'no_stream' && current === undefined) ||
      (expected.kind === 'stream_exists' && current !== undefined) ||
      (expected.kind === 'revision' && expected.revision === current);
    if (!holds) return { ok: false, current };
    if (proposed.length === 0) {
      // EventStoreDB answers an empty append with the stream's current state.
      return { ok: true, revision: current ?? -1n, position: this.head ?? 0n };
    }
    this.streams.set(streamId, stream);
    let last: StoredRecord | undefined;
    for (const event of proposed) {
      last = { ...event, streamId, revision: BigInt(stream.length), position: this.nextPosition };
      this.nextPosition += this.positionStep;
      stream.push(last);
      this.log.push(last);
    }
    const written = stream.slice(-proposed.length);
    for (const record of written) for (const listener of [...this.listeners]) listener(record);
    return { ok: true, revision: (last as StoredRecord).revision, position: (last as StoredRecord).position };
  }

  /** Calls `listener` for every record appended from now on, until the returned function is called. */
  onAppend(listener: (record: StoredRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * EventStoreDB's idempotency: when the batch's first id is already in the stream at the place
   * the expected revision points to (anywhere, for `any`/`stream_exists`), and every id of the
   * batch matches the stored events in order, the original result is returned and nothing is
   * written. A partial match is a wrong expected version.
   */
  private idempotentRetry(
    stream: StoredRecord[],
    expected: WireExpected,
    proposed: readonly ProposedRecord[],
  ): AppendOutcome | undefined {
    if (proposed.length === 0) return undefined;
    const start = stream.findIndex((record) => record.id === proposed[0].id);
    if (start < 0) return undefined;
    const at =
      expected.kind === 'no_stream' ? 0 : expected.kind === 'revision' ? Number(expected.revision) + 1 : start;
    if (at !== start) return undefined;
    const current = BigInt(stream.length - 1);
    const matches =
      start + proposed.length <= stream.length && proposed.every((event, i) => stream[start + i].id === event.id);
    if (!matches) return { ok: false, current };
    const last = stream[start + proposed.length - 1];
    return { ok: true, revision: last.revision, position: last.position };
  }
}
