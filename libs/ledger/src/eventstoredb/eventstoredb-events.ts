import { type JSONEventType, jsonEvent, type JSONEventData } from '@eventstore/db-client';
import { LedgerIntegrityError } from '@warden/domain';
import type { RecordedEvent } from '../event-ledger.port';
import { WARDEN_EVENT_ID_KEY, toEventStoreUuid } from './eventstoredb-event-ids';
import type { LinkedMetadata } from '../hash-chain';
import { isCompactEnvelope, packEvent, unpackEvent } from './eventstoredb-compact-envelope';

/** An EventStoreDB event reduced to what the ledger reads back (from the client or raw gRPC). */
export interface EsdbRecord {
  streamId: string;
  /** The EventStoreDB UUID. */
  id: string;
  revision: bigint;
  /** Commit position (= prepare position for events appended through gRPC). */
  position: bigint | undefined;
  type: string;
  /** Parsed JSON data, or the raw text/bytes when it is not JSON. */
  data: unknown;
  /** Parsed JSON metadata, or raw bytes, or undefined when absent. */
  metadata: unknown;
}

/**
 * The EventStoreDB form of a sealed event: UUID v5 id, JSON data as hashed (parsed back from
 * its canonical JSON), and the compact envelope of its metadata (eventstoredb-compact-envelope).
 */
export function toEventData(eventId: string, type: string, dataJson: string, metadata: LinkedMetadata): JSONEventData {
  const packed = packEvent(eventId, type, JSON.parse(dataJson), metadata);
  return jsonEvent<JSONEventType>({
    id: toEventStoreUuid(eventId),
    type,
    data: packed.data as JSONEventType['data'],
    metadata: packed.metadata as unknown as JSONEventType['metadata'],
  });
}

/**
 * Our RecordedEvent from an EventStoreDB one. Metadata without a hash-chain link (an event not
 * written by warden, or damaged) is an integrity failure; the chain itself is verified by the
 * readers that need it (readStream).
 */
export function toRecordedEvent(record: EsdbRecord): RecordedEvent {
  const fail = (what: string): never => {
    throw new LedgerIntegrityError(`${record.streamId}@${record.revision}: ${what}`, record.streamId, record.revision, record.position);
  };
  const stored = record.metadata;
  if (stored === null || typeof stored !== 'object' || stored instanceof Uint8Array) fail('stored metadata is not JSON');
  if (record.position === undefined) fail('event has no position');
  if (isCompactEnvelope(stored as Record<string, unknown>)) {
    const unpacked = unpackEvent(record.type, record.data, stored as Record<string, unknown>);
    if (unpacked === undefined) return fail('stored metadata has no hash-chain link');
    const { eventId, data, metadata } = unpacked;
    return { streamId: record.streamId, revision: record.revision, position: record.position as bigint, eventId, type: record.type, data, metadata };
  }
  const { [WARDEN_EVENT_ID_KEY]: wardenId, ...metadata } = stored as Record<string, unknown>;
  if (typeof metadata.hash !== 'string') fail('stored metadata has no hash-chain link');
  return {
    streamId: record.streamId,
    revision: record.revision,
    position: record.position as bigint,
    eventId: typeof wardenId === 'string' ? wardenId : record.id,
    type: record.type,
    data: record.data,
    metadata: metadata as unknown as RecordedEvent['metadata'],
  };
}

/** Parses stored JSON bytes; text that is not JSON is kept as text (the hash check will fail on it). */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  if (bytes.length === 0) return undefined;
  const text = Buffer.from(bytes).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
