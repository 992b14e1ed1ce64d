import { WardenError } from '@warden/domain';
import type { ConsistencyWaits } from '@warden/enforcement';
import { POSITION_MAX, POSITION_TEXT } from '../http/common.schemas';

/** Where a waiting request learns that its client went away: its HTTP response ('close'). */
export interface RequestConnection {
  readonly destroyed: boolean;
  once(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

/**
 * Settles a request's `consistencyToken`: waits until this replica's projection has reached
 * the position it names, before the request's key is authenticated, so that a key created or
 * revoked on another replica at or before that position counts here too (otherwise a key
 * revoked on A could still validate on B with the revocation's own token). This is the one
 * place a token is waited for, on every transport (HTTP guard, the validate handler, NATS);
 * nothing waits for it again later (ValidationService decides on the projection as it is).
 *
 * The wait is bounded by ConsistencyWaits (`not_caught_up`, 503, after
 * `WARDEN_CONSISTENCY_WAIT_MS`, or at once beyond `WARDEN_CONSISTENCY_MAX_WAITS` open waits),
 * and dropped as soon as the client closes `connection`. A token that is not a position is
 * left alone: the request's schema refuses it afterwards (400), once the key is known.
 */
export async function reachConsistencyToken(waits: ConsistencyWaits, token: unknown, connection?: RequestConnection): Promise<void> {
  if (typeof token !== 'string' || !POSITION_TEXT.test(token)) return;
  const position = BigInt(token);
  if (position > POSITION_MAX || waits.reached(position)) return;
  if (connection === undefined) return waits.reach(position);
  // Only requests that really wait pay for a signal and a listener.
  const abandoned = new AbortController();
  const onClose = () => abandoned.abort(CLIENT_GONE);
  if (connection.destroyed) onClose();
  else connection.once('close', onClose);
  try {
    await waits.reach(position, abandoned.signal);
  } finally {
    connection.off('close', onClose);
  }
}

/** The reason of a wait dropped because its client went away: a 4xx, not logged (nobody reads it). */
const CLIENT_GONE = new WardenError('invalid', 'client_closed_request', 'the client closed the connection while its request waited');

/** The `consistencyToken` of a request, from its JSON body or its query string. */
export function consistencyTokenOf(body: unknown, query?: unknown): unknown {
  if (typeof body === 'object' && body !== null && 'consistencyToken' in body) return (body as { consistencyToken: unknown }).consistencyToken;
  if (typeof query === 'object' && query !== null && 'consistencyToken' in query) return (query as { consistencyToken: unknown }).consistencyToken;
  return undefined;
}
