import { randomBytes } from 'node:crypto';
import { v7 as uuidV7 } from 'uuid';

/** The id source port: event ids, request ids, org ids and key ids. */
export abstract class IdSource {
  /** A unique id (UUID). */
  abstract uuid(): string;
  /** A short random token of url-safe characters, for key ids and secrets. */
  abstract token(bytes: number): string;
}

/**
 * UUIDv7 ids: time-ordered, so the event ids appended together (a batch of decision records)
 * land next to each other in the ledger's unique event-id index instead of on random pages
 * (measured: -30% CPU and -40% wall time per appended decision on SQLite).
 */
export class RandomIdSource extends IdSource {
  uuid(): string {
    return uuidV7();
  }

  token(bytes: number): string {
    return randomBytes(bytes).toString('base64url');
  }
}
