import { WardenError } from '@warden/domain';
import type { PermissionProjection } from '@warden/projection';
import { withDeadline } from './with-deadline';

/** How long one consistency wait may last, and how many may be open at once on this node. */
export interface ConsistencyWaitLimits {
  readonly waitMs: number;
  readonly maxWaits: number;
}

/**
 * The consistency-token waits of this node: a request carrying a position a command answered
 * (maybe on another replica) waits until this replica's projection has reached it, so that
 * neither its key nor its decision can miss that command.
 *
 * A token costs its sender nothing and may be sent before the key is checked, so the waits
 * are bounded twice: each lasts at most `waitMs` and is dropped when it ends (timed out or
 * abandoned by its caller), and at most `maxWaits` are open at once; beyond that a request is
 * refused at once and nothing of it is kept. Either way the answer is `not_caught_up`
 * (unavailable, 503): the caller retries, here or on another replica.
 */
export class ConsistencyWaits {
  private open = 0;

  constructor(
    private readonly projection: PermissionProjection,
    private readonly limits: ConsistencyWaitLimits,
  ) {}

  /** Waits open now. */
  get count(): number {
    return this.open;
  }

  /** Whether this replica has already reached `position` (no wait needed). */
  reached(position: bigint): boolean {
    return (this.projection.position ?? 0n) >= position;
  }

  /**
   * Resolves once the projection has reached `position`: at once when it is there already.
   * Throws `not_caught_up` when it does not get there within `waitMs`, or at once when
   * `maxWaits` waits are open; rejects with the reason of `abandoned` if that aborts first.
   */
  async reach(position: bigint, abandoned?: AbortSignal): Promise<void> {
    if (this.reached(position)) return;
    if (this.open >= this.limits.maxWaits) {
      throw notCaughtUp(`this replica has not reached position ${position} yet and is waiting for as many requests as it may; retry`);
    }
    this.open += 1;
    try {
      await withDeadline(
        (signal) => this.projection.waitForPosition(position, signal),
        this.limits.waitMs,
        () => notCaughtUp(`this replica has not reached position ${position} yet; retry`),
        abandoned,
      );
    } finally {
      this.open -= 1;
    }
  }
}

function notCaughtUp(message: string): WardenError {
  return new WardenError('unavailable', 'not_caught_up', message);
}
