/** A UUID in its canonical lowercase text form (what warden's id source makes: v7). */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * How an event id is stored in a compact file: a canonical UUID as its 16 bytes, anything
 * else as the text itself. The two never collide (a BLOB never equals a TEXT in SQLite), and
 * decoding gives back exactly the id appended.
 */
export function encodeEventId(eventId: string): string | Buffer {
  return eventId.length === 36 && CANONICAL_UUID.test(eventId) ? Buffer.from(eventId.replaceAll('-', ''), 'hex') : eventId;
}

/** The event id a stored value stands for. */
export function decodeEventId(stored: string | Buffer): string {
  if (typeof stored === 'string') return stored;
  const hex = stored.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
