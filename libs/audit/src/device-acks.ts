import { LedgerIntegrityError } from '@warden/domain';
import { ACKS_STREAM_PREFIX, type EventLedger, type RecordedEvent } from '@warden/ledger';
import { parsePermissionAcknowledged, type PermissionAcknowledgedData } from '@warden/events';
import { AUDIT_PAGE_ROWS, type CooperativeOptions } from './cooperative-scan';
import { scanChecked } from './ledger-scan';

/** A recorded ack with its parsed payload. */
export interface RecordedAck {
  readonly recorded: RecordedEvent;
  readonly ack: PermissionAcknowledgedData;
}

/** The stored type of an ack record. */
export const PERMISSION_ACKNOWLEDGED = 'PermissionAcknowledged';

/**
 * Parses a stored ack; a malformed payload is a LedgerIntegrityError naming the record, as for
 * control events (a history is never shown from a record that does not parse).
 */
export function parseRecordedAck(recorded: RecordedEvent): PermissionAcknowledgedData {
  try {
    return parsePermissionAcknowledged(recorded.data);
  } catch {
    throw new LedgerIntegrityError(
      `${recorded.streamId}@${recorded.revision}: ${recorded.type} payload does not match its schema`,
      recorded.streamId,
      recorded.revision,
      recorded.position,
    );
  }
}

/**
 * Every ack recorded about one device of an org, in ledger order: scans the `acks-` streams
 * (their own category, so the decision records are not read again), verifying their hash
 * chains on the way (a break throws LedgerIntegrityError). Pages and yields like every audit
 * read when it serves a query (`options.signal`).
 */
export async function deviceAcks(ledger: EventLedger, orgId: string, deviceId: string, options: CooperativeOptions = {}): Promise<RecordedAck[]> {
  const acks: RecordedAck[] = [];
  const scan = { streamPrefixes: [ACKS_STREAM_PREFIX], pageSize: options.pageSize ?? AUDIT_PAGE_ROWS, signal: options.signal };
  for await (const recorded of scanChecked(ledger, scan)) {
    if (recorded.type !== PERMISSION_ACKNOWLEDGED) continue;
    const ack = parseRecordedAck(recorded);
    if (ack.orgId === orgId && ack.deviceId === deviceId) acks.push({ recorded, ack });
  }
  return acks;
}
