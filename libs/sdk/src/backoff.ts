/** Bounds of a reconnect backoff. */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** Reconnect delays: 250 ms doubling up to 5 s. */
export const RECONNECT_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 5000 };

/**
 * Capped exponential backoff with jitter: the n-th delay (from 0) is drawn uniformly from
 * [d/2, d] where d = min(maxMs, initialMs * 2^n), so reconnecting clients spread out.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy = RECONNECT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * The same curve driven by how long the outage has lasted rather than by a count: waiting
 * about as long as the outage already took doubles the delay each time. Used where the caller
 * (nats.js) asks for a delay more often than it makes attempts.
 */
export function backoffForOutage(outageMs: number, policy: BackoffPolicy = RECONNECT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, Math.max(policy.initialMs, outageMs));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
