import { reachPosition } from '@warden/enforcement';
import type { PermissionProjection } from '@warden/projection';
import { POSITION_MAX, POSITION_TEXT } from '../common.schemas';

/**
 * Waits until this replica's projection has reached the position a request's
 * `consistencyToken` names, before its key is authenticated: a key created or revoked on
 * another replica at or before that position must count here too (otherwise a key revoked on
 * A could still validate on B with the revocation's own token). Throws `not_caught_up`
 * (503) after `waitMs`, through the same reachPosition as validation. A token that is not a
 * position is left alone: the request's schema refuses it afterwards (400), once the key is
 * known.
 */
export async function reachConsistencyToken(projection: PermissionProjection, token: unknown, waitMs: number): Promise<void> {
  if (typeof token !== 'string' || !POSITION_TEXT.test(token)) return;
  const position = BigInt(token);
  if (position <= POSITION_MAX) await reachPosition(projection, position, waitMs);
}

/** The `consistencyToken` of a request, from its JSON body or its query string. */
export function consistencyTokenOf(body: unknown, query?: unknown): unknown {
  if (typeof body === 'object' && body !== null && 'consistencyToken' in body) return (body as { consistencyToken: unknown }).consistencyToken;
  if (typeof query === 'object' && query !== null && 'consistencyToken' in query) return (query as { consistencyToken: unknown }).consistencyToken;
  return undefined;
}
