import type { Clock, CommandResult, PropagationReport, PropagationWaits } from '@warden/enforcement';
import type { RequestConnection } from '../auth/consistency-wait';
import { positionText } from './envelopes';

/** The propagation report a kill command answers with `awaitAcks`, with the type of its event. */
export type AwaitedPropagation = PropagationReport & { eventType: string };

/**
 * Holds a committed kill command's answer until every target acknowledged its change, at most
 * `timeoutMs`, then gives the `propagation` field to add (nothing without `awaitAcks`). The
 * command is already committed: nothing here can refuse it. A command that appended nothing
 * (e.g. revoking a revoked device) changed no permission: complete at once, eventType none.
 * The hold is dropped as soon as the client closes `connection` (its answer goes nowhere).
 */
export async function awaitedPropagation(
  waits: PropagationWaits,
  clock: Clock,
  orgId: string,
  result: CommandResult,
  awaitAcks: { readonly timeoutMs: number } | undefined,
  connection: RequestConnection,
): Promise<{ propagation?: AwaitedPropagation }> {
  if (!awaitAcks) return {};
  const event = result.decision.events.at(-1);
  if (!event || result.position === undefined) return { propagation: nothingChanged(positionText(result.position), clock.now()) };
  const committedAt = (event.data as { readonly at: string }).at;
  const abandoned = new AbortController();
  const onClose = () => abandoned.abort();
  if (connection.destroyed) onClose();
  else connection.once('close', onClose);
  try {
    const { report } = await waits.await({ orgId, position: result.position, committedAt }, awaitAcks.timeoutMs, abandoned.signal);
    return { propagation: { ...report, eventType: event.type } };
  } finally {
    connection.off('close', onClose);
  }
}

function nothingChanged(position: string, at: string): AwaitedPropagation {
  return {
    position,
    eventType: 'none',
    committedAt: at,
    targets: 0,
    acked: 0,
    pending: [],
    lagging: [],
    complete: true,
    ackLatencyMs: { p50: null, p90: null, p99: null, max: null },
  };
}
