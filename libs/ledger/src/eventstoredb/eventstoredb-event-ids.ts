import { createHash } from 'node:crypto';

/**
 * Namespace of the UUID v5 event ids warden writes to EventStoreDB. Fixed forever: changing
 * it would make a retried append after an upgrade look like a new event.
 */
export const WARDEN_EVENT_ID_NAMESPACE = '0b8f4d2e-6a1c-5f3e-9d47-2c5a8e1b7f60';

/** Metadata key keeping our own event id next to the EventStoreDB UUID. */
export const WARDEN_EVENT_ID_KEY = 'wardenEventId';

/**
 * The EventStoreDB event id (a UUID) of one of our event ids: UUID v5 (RFC 4122, SHA-1) of
 * the id in {@link WARDEN_EVENT_ID_NAMESPACE}. Deterministic, so a retried append carries the
 * same UUIDs and EventStoreDB's own idempotency check recognises it.
 */
export function toEventStoreUuid(eventId: string, namespaceUuid: string = WARDEN_EVENT_ID_NAMESPACE): string {
  const namespace = Buffer.from(namespaceUuid.replace(/-/g, ''), 'hex');
  const bytes = createHash('sha1').update(namespace).update(eventId, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
