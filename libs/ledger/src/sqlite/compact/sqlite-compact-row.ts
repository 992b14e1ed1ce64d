import { LedgerIntegrityError } from '@warden/domain';
import type { EventMetadata, NewEvent, RecordedEvent } from '../../event-ledger.port';
import type { LinkedMetadata } from '../../hash-chain';
import { encodeEventId } from './sqlite-event-id';
import type { SqliteNameTable } from './sqlite-name-table';

/** The type whose records get their own columns instead of JSON text. */
const DECISION_TYPE = 'PermissionDecided';
const DECISION_KEYS = ['decisionId', 'orgId', 'deviceId', 'action', 'allowed', 'code', 'orgRevision', 'decidedAt'] as const;

/**
 * A row of the compact `events` table as read, in the column order of COMPACT_COLUMNS. Reading
 * is most of what audit costs, so the row is shaped for cheap decoding: an array (better-sqlite3's
 * raw mode: no object with eighteen properties per row), small integers as plain numbers (no
 * BigInt per column), position and revision as decimal text (exact beyond 2^53, one BigInt
 * each), the hash and a UUID event id as lowercase hex text from SQLite (no Buffer per row).
 */
export type CompactRow = readonly [
  positionText: string,
  stream: number,
  revisionText: string,
  eventId: string,
  type: number,
  hash: string | null,
  data: string | null,
  metadata: string | null,
  decisionId: string | null,
  org: number | null,
  device: number | null,
  action: number | null,
  allowed: number | null,
  code: number | null,
  orgRevision: number | null,
  decidedAt: number | null,
  actor: number | null,
  correlationId: string | null,
];

/** Indexes into CompactRow used outside this file. */
export const ROW_POSITION = 0;
export const ROW_STREAM = 1;
export const ROW_REVISION = 2;

/** A UUID stored as 16 bytes, as its canonical text; a text id as it is. */
const EVENT_ID =
  `CASE WHEN typeof(event_id) = 'blob' AND length(event_id) = 16 THEN lower(substr(hex(event_id), 1, 8) || '-' || ` +
  `substr(hex(event_id), 9, 4) || '-' || substr(hex(event_id), 13, 4) || '-' || substr(hex(event_id), 17, 4) || '-' || ` +
  `substr(hex(event_id), 21)) ELSE event_id END`;

/** Columns of the compact table in the order of `CompactRow` (for SELECT, raw mode, safe integers off). */
export const COMPACT_COLUMNS =
  `CAST(position AS TEXT), stream, CAST(revision AS TEXT), ${EVENT_ID}, type, ` +
  `CASE WHEN typeof(hash) = 'blob' AND length(hash) = 32 THEN lower(hex(hash)) END, data, metadata, ` +
  'decision_id, org, device, action, allowed, code, org_revision, decided_at, actor, correlation_id';

/** Parameters of the compact INSERT, in its column order (see sqlite-compact-statements). */
export type CompactInsert = [
  stream: bigint,
  revision: bigint,
  eventId: string | Buffer,
  type: bigint,
  category: bigint,
  hash: Buffer,
  data: string | null,
  metadata: string | null,
  decisionId: string | null,
  org: bigint | null,
  device: bigint | null,
  action: bigint | null,
  allowed: number | null,
  code: bigint | null,
  orgRevision: number | null,
  decidedAt: number | null,
  actor: bigint | null,
  correlationId: string | null,
];

/**
 * The INSERT parameters of one sealed event. A decision record whose every field has a
 * lossless column form (see decisionColumns) is stored in those columns, with strings
 * interned; any other event as JSON text (its metadata without the chain link, which the
 * `hash` column and the previous row give back).
 */
export function encodeEvent(
  names: SqliteNameTable,
  stream: bigint,
  category: bigint,
  revision: bigint,
  event: NewEvent,
  sealed: { metadata: LinkedMetadata; dataJson: string },
): CompactInsert {
  const eventId = encodeEventId(event.eventId);
  const type = names.intern(event.type);
  const hash = Buffer.from(sealed.metadata.hash, 'hex');
  const decision = event.type === DECISION_TYPE ? decisionColumns(event) : undefined;
  if (decision === undefined) {
    const { prevHash: _prev, hash: _hash, ...unlinked } = sealed.metadata;
    const metadata = JSON.stringify(unlinked);
    return [stream, revision, eventId, type, category, hash, sealed.dataJson, metadata, null, null, null, null, null, null, null, null, null, null];
  }
  const { data, metadata } = decision;
  return [
    stream,
    revision,
    eventId,
    type,
    category,
    hash,
    null,
    null,
    data.decisionId === event.eventId ? null : data.decisionId,
    names.intern(data.orgId),
    names.intern(data.deviceId),
    names.intern(data.action),
    data.allowed ? 1 : 0,
    names.intern(data.code),
    data.orgRevision,
    decision.decidedAtMs,
    names.intern(metadata.actor),
    metadata.correlationId === event.eventId ? null : metadata.correlationId,
  ];
}

interface DecisionFields {
  decisionId: string;
  orgId: string;
  deviceId: string;
  action: string;
  allowed: boolean;
  code: string;
  orgRevision: number;
  decidedAt: string;
}

/**
 * The decision's fields when the columns reproduce its canonical JSON exactly (so its hash
 * still verifies): exactly the eight fields, each of its type, `decidedAt` an ISO time that
 * round-trips through milliseconds, and metadata with only `actor` and `correlationId`.
 */
function decisionColumns(event: NewEvent): { data: DecisionFields; metadata: { actor: string; correlationId: string }; decidedAtMs: number } | undefined {
  const data = event.data as Record<string, unknown> | null;
  if (data === null || typeof data !== 'object' || Array.isArray(data) || Object.keys(data).length !== DECISION_KEYS.length) return undefined;
  for (const key of DECISION_KEYS) if (!(key in data)) return undefined;
  const fields = data as unknown as DecisionFields;
  if (
    typeof fields.decisionId !== 'string' ||
    typeof fields.orgId !== 'string' ||
    typeof fields.deviceId !== 'string' ||
    typeof fields.action !== 'string' ||
    typeof fields.allowed !== 'boolean' ||
    typeof fields.code !== 'string' ||
    !Number.isSafeInteger(fields.orgRevision) ||
    Object.is(fields.orgRevision, -0) ||
    typeof fields.decidedAt !== 'string'
  ) {
    return undefined;
  }
  const decidedAtMs = Date.parse(fields.decidedAt);
  if (!Number.isFinite(decidedAtMs) || new Date(decidedAtMs).toISOString() !== fields.decidedAt) return undefined;
  const metadata = event.metadata as EventMetadata & Record<string, unknown>;
  for (const key of Object.keys(metadata)) if (key !== 'actor' && key !== 'correlationId') return undefined;
  if (typeof metadata.actor !== 'string' || typeof metadata.correlationId !== 'string') return undefined;
  return { data: fields, metadata, decidedAtMs };
}

/** The event a compact row stands for, linked to `prevHash` (the hash of the row before it in its stream). */
export function decodeRow(names: SqliteNameTable, row: CompactRow, prevHash: string): RecordedEvent {
  const [positionText, streamId_, revisionText, eventId, typeId, hash, dataJson, metadataJson] = row;
  const revision = BigInt(revisionText);
  const position = BigInt(positionText);
  const where = { streamId: '', revision, position };
  const streamId = names.valueOf(streamId_, where);
  where.streamId = streamId;
  if (hash === null) throw integrityError(where, 'stored event has no hash-chain link');
  const type = names.valueOf(typeId, where);
  if (dataJson !== null) {
    let data: unknown;
    let metadata: unknown;
    try {
      data = JSON.parse(dataJson);
      metadata = JSON.parse(metadataJson ?? '');
    } catch {
      throw integrityError(where, 'stored event is not valid JSON');
    }
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) throw integrityError(where, 'stored metadata is not an object');
    return { streamId, revision, position, eventId, type, data, metadata: { ...(metadata as EventMetadata), prevHash, hash } };
  }
  const [, , , , , , , , decisionId, org, device, action, allowed, code, orgRevision, decidedAt, actor, correlationId] = row;
  if (org === null || device === null || action === null || code === null || actor === null || orgRevision === null || decidedAt === null) {
    throw integrityError(where, 'stored decision record is incomplete');
  }
  const data = {
    decisionId: decisionId ?? eventId,
    orgId: names.valueOf(org, where),
    deviceId: names.valueOf(device, where),
    action: names.valueOf(action, where),
    allowed: allowed === 1,
    code: names.valueOf(code, where),
    orgRevision,
    decidedAt: isoTime(decidedAt, where),
  };
  const metadata = { actor: names.valueOf(actor, where), correlationId: correlationId ?? eventId, prevHash, hash };
  return { streamId, revision, position, eventId, type, data, metadata };
}

function isoTime(ms: number, where: { streamId: string; revision: bigint; position: bigint }): string {
  const time = new Date(ms);
  if (Number.isNaN(time.getTime())) throw integrityError(where, 'stored decision time is out of range');
  return time.toISOString();
}

function integrityError(where: { streamId: string; revision: bigint; position: bigint }, what: string): LedgerIntegrityError {
  return new LedgerIntegrityError(`${where.streamId}@${where.revision}: ${what}`, where.streamId, where.revision, where.position);
}
