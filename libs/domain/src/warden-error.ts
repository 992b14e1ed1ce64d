/**
 * The one error family thrown by libs. `kind` is what apps map to an HTTP status or exit
 * code; `code` is the stable, machine-readable error code clients see. `limited`: the caller
 * holds as much of a bounded resource as it may (open watches), or the resource is all in use
 * (concurrent audit queries); the same request may succeed later.
 */
export type ErrorKind = 'invalid' | 'unauthorized' | 'refused' | 'not-found' | 'conflict' | 'limited' | 'unavailable' | 'corrupt';

export class WardenError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The stream was not at the expected revision: another writer got there first. */
export class ConcurrencyError extends WardenError {
  constructor(
    readonly streamId: string,
    readonly expected: string,
    /** Current revision of the stream, when the ledger knows it (-1 for no stream). */
    readonly actual: bigint | undefined,
  ) {
    super('conflict', 'conflict', `stream ${streamId} is not at the expected revision ${expected}`, {
      streamId,
      expected,
      actual: actual === undefined ? undefined : actual.toString(),
    });
  }
}

/** The ledger cannot be read or written right now (locked, full, down, unreachable). */
export class LedgerUnavailableError extends WardenError {
  constructor(message: string, override readonly cause?: unknown) {
    super('unavailable', 'ledger_unavailable', message);
  }
}

/** A stored event does not match its hash chain, or cannot be parsed. */
export class LedgerIntegrityError extends WardenError {
  constructor(
    message: string,
    readonly streamId: string,
    readonly revision: bigint | undefined,
    readonly position: bigint | undefined,
  ) {
    super('corrupt', 'ledger_integrity', message, {
      streamId,
      revision: revision?.toString(),
      position: position?.toString(),
    });
  }
}
