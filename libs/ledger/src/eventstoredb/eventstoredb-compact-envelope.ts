import type { EventMetadata } from '../event-ledger.port';
import type { LinkedMetadata } from '../hash-chain';

/**
 * The compact metadata of an event written to EventStoreDB since schema version 2. Keys with
 * `$` are ours (a caller's metadata has none: EventMetadata names every key it may have):
 * `$v` the envelope version, `$id` our event id, `$l` the chain link (prevHash then hash,
 * 64 bytes in base64url), `$o` what was left out because it equals the event id (`c`: the
 * correlation id, `d`: a decision's `decisionId`). Events written before carry the plain
 * linked metadata and `wardenEventId`, and are still read as they are.
 */
export interface CompactEnvelope {
  $v: 2;
  $id: string;
  $l: string;
  $o?: string;
  actor: string;
  correlationId?: string;
  causationId?: string;
}

const DECISION_TYPE = 'PermissionDecided';

/** The data and metadata to store for a sealed event: redundant ids left out, hashes in base64url. */
export function packEvent(eventId: string, type: string, data: unknown, metadata: LinkedMetadata): { data: unknown; metadata: CompactEnvelope } {
  const { prevHash, hash, correlationId, ...rest } = metadata;
  let omitted = '';
  const envelope: CompactEnvelope = { $v: 2, $id: eventId, $l: Buffer.from(prevHash + hash, 'hex').toString('base64url'), ...rest };
  if (correlationId === eventId) omitted += 'c';
  else envelope.correlationId = correlationId;
  let packed = data;
  if (type === DECISION_TYPE && isRecord(data) && data.decisionId === eventId) {
    const { decisionId: _decisionId, ...others } = data;
    packed = others;
    omitted += 'd';
  }
  if (omitted) envelope.$o = omitted;
  return { data: packed, metadata: envelope };
}

/** True when stored metadata is a compact envelope. */
export function isCompactEnvelope(metadata: Record<string, unknown>): boolean {
  return metadata.$v === 2 && typeof metadata.$id === 'string' && typeof metadata.$l === 'string';
}

/**
 * The event id, data and linked metadata a compact envelope stands for, exactly as they were
 * hashed; undefined when its link is not two 32-byte hashes.
 */
export function unpackEvent(type: string, data: unknown, stored: Record<string, unknown>): { eventId: string; data: unknown; metadata: LinkedMetadata } | undefined {
  const { $v: _version, $id: eventId, $l: link, $o: omitted, ...rest } = stored as unknown as CompactEnvelope & Record<string, unknown>;
  const bytes = Buffer.from(link, 'base64url');
  if (bytes.length !== 64) return undefined;
  const skipped = typeof omitted === 'string' ? omitted : '';
  const metadata = { ...(rest as unknown as EventMetadata) };
  if (skipped.includes('c')) metadata.correlationId = eventId;
  const unpacked = skipped.includes('d') && type === DECISION_TYPE && isRecord(data) ? { decisionId: eventId, ...data } : data;
  const linked = { ...metadata, prevHash: bytes.subarray(0, 32).toString('hex'), hash: bytes.subarray(32).toString('hex') } as LinkedMetadata;
  return { eventId, data: unpacked, metadata: linked };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
