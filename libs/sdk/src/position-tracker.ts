import { parsePosition } from './permission-messages';

/**
 * Remembers the last ledger position seen per subject, so a message replayed or delivered
 * twice (relay restart, JetStream redelivery, SSE reconnect) is not acted on again, and an
 * older state never overrides a newer one.
 */
export class PositionTracker {
  private readonly seen = new Map<string, bigint>();

  /**
   * @param floor positions at or below it are already accounted for (the validation the lease
   *   started on was decided at it), so messages up to it are ignored on every subject.
   */
  constructor(private readonly floor: bigint = -1n) {}

  /** Records `position` for `subject`; false (ignore the message) when it is not newer than what was seen. */
  advance(subject: string, position: string): boolean {
    const next = parsePosition(position);
    if (next === undefined) return false;
    const last = this.seen.get(subject) ?? this.floor;
    if (next <= last) return false;
    this.seen.set(subject, next);
    return true;
  }
}
