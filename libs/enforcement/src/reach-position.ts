import { WardenError } from '@warden/domain';
import type { PermissionProjection } from '@warden/projection';
import { withTimeout } from './with-timeout';

/**
 * Waits until this replica's projection has reached `position` (a consistency token: a
 * position a command answered, maybe on another replica). Throws `not_caught_up`
 * (unavailable) if it does not get there within `waitMs`, rather than let the caller decide
 * on an older state. Resolves at once when the projection is already there.
 */
export async function reachPosition(projection: PermissionProjection, position: bigint, waitMs: number): Promise<void> {
  if ((projection.position ?? 0n) >= position) return;
  await withTimeout(
    projection.waitForPosition(position),
    waitMs,
    () => new WardenError('unavailable', 'not_caught_up', `this replica has not reached position ${position} yet; retry`),
  );
}
