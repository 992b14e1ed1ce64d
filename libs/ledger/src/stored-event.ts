import { LedgerIntegrityError } from '@warden/domain';
import type { RecordedEvent } from './event-ledger.port';

/**
 * An event as adapters keep it: data and metadata as JSON text. Readers get freshly parsed
 * objects, so no caller can mutate what another reads or what the hash chain covers.
 */
export interface StoredEventRow {
  streamId: string;
  revision: bigint;
  position: bigint;
  eventId: string;
  type: string;
  dataJson: string;
  metadataJson: string;
}

/** Parses a stored row; unparseable JSON or a metadata without chain link is an integrity failure. */
export function toRecordedEvent(row: StoredEventRow): RecordedEvent {
  let data: unknown;
  let metadata: RecordedEvent['metadata'];
  try {
    data = JSON.parse(row.dataJson);
    metadata = JSON.parse(row.metadataJson);
  } catch {
    throw new LedgerIntegrityError(
      `${row.streamId}@${row.revision}: stored event is not valid JSON`,
      row.streamId,
      row.revision,
      row.position,
    );
  }
  if (metadata === null || typeof metadata !== 'object' || typeof metadata.hash !== 'string') {
    throw new LedgerIntegrityError(
      `${row.streamId}@${row.revision}: stored metadata has no hash-chain link`,
      row.streamId,
      row.revision,
      row.position,
    );
  }
  return {
    streamId: row.streamId,
    revision: row.revision,
    position: row.position,
    eventId: row.eventId,
    type: row.type,
    data,
    metadata,
  };
}
