import { LedgerIntegrityError } from '@warden/domain';
import { DECISIONS_STREAM_PREFIX, type EventLedger, type RecordedEvent } from '@warden/ledger';
import { recordTime } from '../export/export-records';
import type { IndexCheckpoint, IndexEntry } from './audit-index.store';

/**
 * The index entry of a ledger record: every record of a `decisions-` stream that names an org
 * (the same records an org's export takes from those streams), whatever its type; anything
 * else is not indexed.
 */
export function indexEntryOf(event: RecordedEvent): IndexEntry | undefined {
  if (!event.streamId.startsWith(DECISIONS_STREAM_PREFIX)) return undefined;
  const data = event.data as { orgId?: unknown; deviceId?: unknown } | null;
  if (data === null || typeof data !== 'object' || typeof data.orgId !== 'string') return undefined;
  return {
    position: event.position,
    streamId: event.streamId,
    revision: event.revision,
    orgId: data.orgId,
    deviceId: typeof data.deviceId === 'string' ? data.deviceId : null,
    timeMs: recordTime(event) ?? null,
  };
}

/** The checkpoint naming a record. */
export function checkpointOf(event: RecordedEvent): IndexCheckpoint {
  return { position: event.position, streamId: event.streamId, revision: event.revision, hash: event.metadata.hash };
}

/**
 * True when the ledger still holds the checkpoint's record where the index saw it (same
 * position and hash). False after a restore of an older ledger copy, or for an index built
 * from another ledger: such an index must not be used. Ledger unavailability is thrown.
 */
export async function checkpointHolds(ledger: EventLedger, checkpoint: IndexCheckpoint): Promise<boolean> {
  try {
    const [event] = await ledger.readStream(checkpoint.streamId, { fromRevision: checkpoint.revision, limit: 1 });
    return event !== undefined && event.revision === checkpoint.revision && event.position === checkpoint.position && event.metadata.hash === checkpoint.hash;
  } catch (error) {
    if (error instanceof LedgerIntegrityError) return false;
    throw error;
  }
}

/** True when a fetched ledger record is the one the index entry points at. */
export function entryMatches(entry: IndexEntry, event: RecordedEvent | undefined): event is RecordedEvent {
  if (event === undefined || event.position !== entry.position || event.streamId !== entry.streamId || event.revision !== entry.revision) return false;
  const found = indexEntryOf(event);
  return found !== undefined && found.orgId === entry.orgId && found.deviceId === entry.deviceId;
}
