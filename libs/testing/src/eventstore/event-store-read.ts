import type { ServerWritableStream } from '@grpc/grpc-js';
import { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { EventStoreTestData, StoredRecord } from './event-store-test-data';

type ReadCall = ServerWritableStream<ReadReq, ReadResp>;
const Options = ReadReq.Options;

/** The part of a read request that selects events: a stream-name prefix/regex filter, or none. */
export type RecordFilter = (record: StoredRecord) => boolean;

/** Builds the filter of a `$all` read from its FilterOptions (stream name or event type). */
export function readFilter(options: ReadReq.Options): RecordFilter {
  const filter = options.getFilterOptionCase() === Options.FilterOptionCase.FILTER ? options.getFilter() : undefined;
  if (filter === undefined) return () => true;
  const onType = filter.getFilterCase() === Options.FilterOptions.FilterCase.EVENT_TYPE;
  const expression = onType ? filter.getEventType() : filter.getStreamIdentifier();
  const prefixes = expression?.getPrefixList() ?? [];
  const regex = expression?.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  return (record) => {
    const value = onType ? (record.metadata.get('type') ?? '') : record.streamId;
    if (prefixes.length > 0 && !prefixes.some((prefix) => value.startsWith(prefix))) return false;
    return regex === undefined || regex.test(value);
  };
}

/** Serialises one stored record as a ReadResp event message. */
export function eventMessage(record: StoredRecord): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent();
  recorded.setId(new UUID().setString(record.id));
  recorded.setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(record.streamId, 'utf8')));
  recorded.setStreamRevision(record.revision.toString());
  recorded.setCommitPosition(record.position.toString());
  recorded.setPreparePosition(record.position.toString());
  for (const [key, value] of record.metadata) recorded.getMetadataMap().set(key, value);
  recorded.setData(record.data);
  recorded.setCustomMetadata(record.customMetadata);
  const event = new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(record.position.toString());
  return new ReadResp().setEvent(event);
}

/** Answers a non-subscription read of one stream (forwards or backwards, with a count). */
export function readStream(data: EventStoreTestData, call: ReadCall, options: ReadReq.Options): void {
  const streamOptions = options.getStream() as ReadReq.Options.StreamOptions;
  const identifier = streamOptions.getStreamIdentifier() as StreamIdentifier;
  const streamId = Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
  const stream = data.streams.get(streamId);
  if (stream === undefined || stream.length === 0) {
    call.write(new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(identifier)));
    call.end();
    return;
  }
  const count = BigInt(options.getCount());
  const backwards = options.getReadDirection() === Options.ReadDirection.BACKWARDS;
  const Case = Options.StreamOptions.RevisionOptionCase;
  const revisionCase = streamOptions.getRevisionOptionCase();
  let selected: StoredRecord[];
  if (backwards) {
    const from = revisionCase === Case.REVISION ? BigInt(streamOptions.getRevision()) : BigInt(stream.length - 1);
    selected = stream.filter((r) => r.revision <= from).reverse();
  } else {
    const from = revisionCase === Case.REVISION ? BigInt(streamOptions.getRevision()) : revisionCase === Case.END ? BigInt(stream.length) : 0n;
    selected = stream.filter((r) => r.revision >= from);
  }
  writeCounted(call, selected, count);
}

/** Answers a non-subscription read of `$all`: forwards from a position (inclusive) or backwards before it. */
export function readAll(data: EventStoreTestData, call: ReadCall, options: ReadReq.Options): void {
  const all = options.getAll() as ReadReq.Options.AllOptions;
  const filter = readFilter(options);
  const backwards = options.getReadDirection() === Options.ReadDirection.BACKWARDS;
  const Case = Options.AllOptions.AllOptionCase;
  const position = all.getAllOptionCase() === Case.POSITION ? BigInt(all.getPosition()?.getCommitPosition() ?? '0') : undefined;
  let selected: StoredRecord[];
  if (backwards) {
    const start = all.getAllOptionCase() === Case.START ? -1n : position;
    selected = data.log.filter((r) => (start === undefined || r.position < start) && filter(r)).reverse();
  } else {
    const start = all.getAllOptionCase() === Case.END ? undefined : position;
    selected = all.getAllOptionCase() === Case.END ? [] : data.log.filter((r) => (start === undefined || r.position >= start) && filter(r));
  }
  writeCounted(call, selected, BigInt(options.getCount()));
}

/** Position from which a `$all` subscription delivers: events strictly after it (undefined: from the start). */
export function subscriptionStart(data: EventStoreTestData, options: ReadReq.Options): bigint | undefined {
  const all = options.getAll() as ReadReq.Options.AllOptions;
  const Case = Options.AllOptions.AllOptionCase;
  if (all.getAllOptionCase() === Case.START) return undefined;
  if (all.getAllOptionCase() === Case.END) return data.head ?? -1n;
  return BigInt(all.getPosition()?.getCommitPosition() ?? '0');
}

/** The confirmation message a subscription starts with. */
export function confirmationMessage(id: string): ReadResp {
  return new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(id));
}

/** The caught-up message sent once the history of a subscription has been delivered. */
export function caughtUpMessage(): ReadResp {
  return new ReadResp().setCaughtUp(new ReadResp.CaughtUp());
}

function writeCounted(call: ReadCall, records: StoredRecord[], count: bigint): void {
  const limit = count < BigInt(records.length) ? Number(count) : records.length;
  for (let i = 0; i < limit; i++) call.write(eventMessage(records[i]));
  call.end();
}

