import { randomBytes, randomUUID } from 'node:crypto';

/** The id source port: event ids, request ids, org ids and key ids. */
export abstract class IdSource {
  /** A unique id (UUID). */
  abstract uuid(): string;
  /** A short random token of url-safe characters, for key ids and secrets. */
  abstract token(bytes: number): string;
}

export class RandomIdSource extends IdSource {
  uuid(): string {
    return randomUUID();
  }

  token(bytes: number): string {
    return randomBytes(bytes).toString('base64url');
  }
}
