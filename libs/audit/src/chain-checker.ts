import type { LedgerIntegrityError } from '@warden/domain';
import { computeEventHash, GENESIS_HASH, type RecordedEvent } from '@warden/ledger';

/** One place where a stream's hash chain does not hold. Revision and position are decimal strings. */
export interface ChainBreak {
  readonly streamId: string;
  readonly revision: string;
  readonly position: string;
  readonly reason: string;
}

interface StreamHead {
  revision: bigint;
  /** Undefined after an unreadable event: the next link cannot be checked, only its revision. */
  hash: string | undefined;
}

/**
 * Checks the hash chain of every stream, fed events in ledger order. Unlike `verifyChain` it
 * never throws: it records every break and re-anchors on the event it just saw, so one
 * tampered event yields one break (or two for a swap) and the scan goes on to find the next.
 * Memory: one head (revision + hash) per stream.
 */
export class ChainChecker {
  private readonly heads = new Map<string, StreamHead>();
  private readonly found: ChainBreak[] = [];

  /** Every break found so far, in the order found. */
  get breaks(): readonly ChainBreak[] {
    return this.found;
  }

  /** Checks one event against its stream's head; returns true when its link and hash hold. */
  check(event: RecordedEvent): boolean {
    const head = this.heads.get(event.streamId);
    const expectedRevision = head ? head.revision + 1n : 0n;
    const expectedPrev = head ? head.hash : GENESIS_HASH;
    const reasons: string[] = [];
    if (event.revision !== expectedRevision) {
      reasons.push(`revision ${event.revision} does not follow ${head ? `revision ${head.revision}` : 'the stream start'}`);
    }
    if (expectedPrev !== undefined && event.metadata.prevHash !== expectedPrev) reasons.push('prevHash does not match the previous event');
    if (typeof event.metadata.hash !== 'string' || safeHash(event) !== event.metadata.hash) {
      reasons.push('hash does not match the event content');
    }
    this.heads.set(event.streamId, { revision: event.revision, hash: String(event.metadata.hash) });
    if (reasons.length === 0) return true;
    this.record(event.streamId, event.revision, event.position, reasons.join('; '));
    return false;
  }

  /** Records an event the ledger could not parse at all. */
  unreadable(error: LedgerIntegrityError): void {
    if (error.revision !== undefined) this.heads.set(error.streamId, { revision: error.revision, hash: undefined });
    this.record(error.streamId, error.revision, error.position, error.message);
  }

  private record(streamId: string, revision: bigint | undefined, position: bigint | undefined, reason: string): void {
    this.found.push({ streamId, revision: String(revision ?? ''), position: String(position ?? ''), reason });
  }
}

function safeHash(event: RecordedEvent): string | undefined {
  try {
    return computeEventHash(event);
  } catch {
    return undefined;
  }
}
