/**
 * The audit index: where each org's (and each device's) decision records sit in the ledger.
 * It is derived (built from the ledger off the validate path, rebuildable at any time) and
 * only ever points: every record an answer shows is read from the ledger itself.
 */

/** One decision record as the index knows it. */
export interface IndexEntry {
  readonly position: bigint;
  readonly streamId: string;
  readonly revision: bigint;
  readonly orgId: string;
  /** The record's `deviceId`, or null when it names none. */
  readonly deviceId: string | null;
  /** The record's time (`decidedAt`, else `at`) as epoch ms, or null when it has none. */
  readonly timeMs: number | null;
}

/** The last ledger record the index has taken in: where following the ledger resumes. */
export interface IndexCheckpoint {
  readonly position: bigint;
  readonly streamId: string;
  readonly revision: bigint;
  /** The record's hash: a ledger restored from an older copy (or another ledger) no longer has it there. */
  readonly hash: string;
}

/** Which entries to list: one org (or one of its devices), after a position, up to another. */
export interface IndexRange {
  readonly orgId: string;
  readonly deviceId?: string;
  /** Exclusive lower bound. */
  readonly after: bigint;
  /** Inclusive upper bound (normally the checkpoint: entries are complete up to it). */
  readonly upTo: bigint;
  /** Most entries returned. */
  readonly limit: number;
}

/**
 * Storage of the audit index: an abstract class, also the injection token. Methods are
 * synchronous and short (one bounded statement each), so callers pace them between turns of
 * the event loop. Storage errors are thrown as they come: the caller treats any of them as
 * "the index is unusable", answers from the ledger and rebuilds.
 */
export abstract class AuditIndexStore {
  /** Where the index stands, or undefined when it holds nothing yet. */
  abstract checkpoint(): IndexCheckpoint | undefined;
  /** Adds entries (positions above the checkpoint, ascending) and moves the checkpoint, atomically. */
  abstract add(entries: readonly IndexEntry[], checkpoint: IndexCheckpoint): void;
  /** Entries of the range in position order, at most `limit`. */
  abstract list(range: IndexRange): IndexEntry[];
  /** Forgets everything (a rebuild starts from here). */
  abstract clear(): void;
  abstract close(): void;
}
