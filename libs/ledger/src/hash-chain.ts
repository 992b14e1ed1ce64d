import { hash } from 'node:crypto';
import { LedgerIntegrityError, WardenError } from '@warden/domain';
import { canonicalJson } from './canonical-json';
import { canonicalDecisionData, canonicalLinkMetadata } from './canonical-shapes';
import type { EventMetadata, RecordedEvent } from './event-ledger.port';

/** The `prevHash` of the first event of every stream: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** Metadata of a stored event: the caller's metadata plus its hash-chain link. */
export type LinkedMetadata = RecordedEvent['metadata'];

/** What the hash covers: the event's type, data and metadata (the `hash` field itself is ignored). */
export interface ChainableEvent {
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

/** An event linked into its stream, with the canonical JSON of its data ready to store. */
export interface SealedEvent {
  metadata: LinkedMetadata;
  /** RFC 8785 canonical JSON of `data`; storing it avoids a second serialization. */
  dataJson: string;
}

/**
 * Links an event to its predecessor: returns its metadata with `prevHash` and
 * `hash = sha256(prevHash + canonicalize({type, data, metadata without hash}))`.
 * Throws an `invalid` WardenError when the event is not JSON-serializable.
 */
export function linkEvent(prevHash: string, event: ChainableEvent): LinkedMetadata {
  return sealEvent(prevHash, event).metadata;
}

/** Like {@link linkEvent}, also returning the canonical data JSON so adapters serialize data once. */
export function sealEvent(prevHash: string, event: ChainableEvent): SealedEvent {
  // One shallow copy: the caller's metadata is never mutated. `hash: undefined` is skipped
  // by canonicalization, so the hashed metadata is "metadata without hash" with no delete.
  const metadata = { ...event.metadata, prevHash, hash: undefined as string | undefined };
  const dataJson = canonicalData(event.data);
  metadata.hash = digest(prevHash, event.type, dataJson, canonicalMetadata(metadata));
  return { metadata: metadata as LinkedMetadata, dataJson };
}

/** Recomputes the hash an event must carry, given the `prevHash` recorded in its metadata. */
export function computeEventHash(event: ChainableEvent): string {
  const prevHash = event.metadata.prevHash ?? '';
  const unhashed = { ...event.metadata, hash: undefined };
  return digest(prevHash, event.type, canonicalData(event.data), canonicalMetadata(unhashed));
}

/**
 * Verifies the hash chain of consecutive events of one stream, starting from the hash of the
 * event before the first (GENESIS_HASH when the first is revision 0). Returns the hash of the
 * last event, so a long stream can be verified page by page. Throws LedgerIntegrityError
 * naming the first event whose link, hash or revision does not hold.
 */
export function verifyChain(events: readonly RecordedEvent[], startPrevHash: string = GENESIS_HASH): string {
  let prevHash = startPrevHash;
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    const fail = (what: string): never => {
      throw new LedgerIntegrityError(
        `${event.streamId}@${event.revision}: ${what}`,
        event.streamId,
        event.revision,
        event.position,
      );
    };
    if (i > 0 && (event.streamId !== events[0].streamId || event.revision !== events[i - 1].revision + 1n)) {
      fail(`does not follow revision ${events[i - 1].revision} of the same stream`);
    }
    if (event.metadata.prevHash !== prevHash) fail('prevHash does not match the previous event');
    if (typeof event.metadata.hash !== 'string' || computeEventHash(event) !== event.metadata.hash) {
      fail('hash does not match the event content');
    }
    prevHash = event.metadata.hash;
  }
  return prevHash;
}

/**
 * sha256 over prevHash + canonical({type, data, metadata}). The object is assembled from
 * already-canonical parts: its keys `data` < `metadata` < `type` are in canonical order.
 */
function digest(prevHash: string, type: string, dataJson: string, metadataJson: string): string {
  // One-shot crypto.hash: half the cost of createHash().update().digest() for inputs this small.
  return hash('sha256', `${prevHash}{"data":${dataJson},"metadata":${metadataJson},"type":${JSON.stringify(type)}}`);
}

/** The data's canonical JSON: a decision record's by its fast path, anything else by canonicalJson. */
function canonicalData(data: unknown): string {
  return canonicalDecisionData(data) ?? canonical(data, 'data');
}

function canonicalMetadata(metadata: { [key: string]: unknown }): string {
  return canonicalLinkMetadata(metadata) ?? canonical(metadata, 'metadata');
}

function canonical(value: unknown, field: string): string {
  let json: string | undefined;
  try {
    json = canonicalJson(value);
  } catch (cause) {
    throw notSerializable(field, cause);
  }
  if (json === undefined) throw notSerializable(field, undefined);
  return json;
}

function notSerializable(field: string, cause: unknown): WardenError {
  const reason = cause instanceof Error ? `: ${cause.message}` : '';
  return new WardenError('invalid', 'event_not_serializable', `event ${field} is not JSON-serializable${reason}`);
}
