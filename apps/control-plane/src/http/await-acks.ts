import type { Clock, CommandResult, PropagationReport, PropagationWaits } from '@warden/enforcement';
import { orgStream, type EventLedger } from '@warden/ledger';
import type { RequestConnection } from '../auth/consistency-wait';
import { positionText } from './envelopes';

/** The propagation report a kill command answers with `awaitAcks`, with the type of its event. */
export type AwaitedPropagation = PropagationReport & { eventType: string };

/** How far back, beyond the command's own events, its org stream is read for them (writes of other replicas in between). */
const OTHER_WRITES_SLACK = 64;

/**
 * Holds a committed kill command's answer until every target acknowledged its change, at most
 * `timeoutMs`, then gives the `propagation` field to add (nothing without `awaitAcks`). The
 * command is already committed: nothing here can refuse it. A command that appended nothing
 * (e.g. revoking a revoked device) changed no permission: complete at once, eventType none.
 * The hold is dropped as soon as the client closes `connection` (its answer goes nowhere).
 */
export class AwaitAcks {
  constructor(
    private readonly waits: PropagationWaits,
    private readonly ledger: EventLedger,
    private readonly clock: Clock,
  ) {}

  /** `result` must be read right after the command (its state is live); `correlationId`: the command's. */
  async propagation(
    orgId: string,
    result: CommandResult,
    correlationId: string,
    awaitAcks: { readonly timeoutMs: number } | undefined,
    connection: RequestConnection,
  ): Promise<{ propagation?: AwaitedPropagation }> {
    if (!awaitAcks) return {};
    const event = result.decision.events.at(-1);
    if (!event || result.position === undefined) return { propagation: this.nothingChanged(positionText(result.position)) };
    const committedAt = (event.data as { readonly at: string }).at;
    const abandoned = new AbortController();
    const onClose = () => abandoned.abort();
    if (connection.destroyed) onClose();
    else connection.once('close', onClose);
    try {
      const positions = await this.positionsOf(orgId, result, correlationId);
      const { report } = await this.waits.await({ orgId, positions, committedAt }, awaitAcks.timeoutMs, abandoned.signal);
      return { propagation: { ...report, eventType: event.type } };
    } finally {
      connection.off('close', onClose);
    }
  }

  /**
   * The positions of the command's events. One event: the answered position. Several (a batch
   * revoke: one per device): read back from the org stream, the command's own by correlation id.
   */
  private async positionsOf(orgId: string, result: CommandResult, correlationId: string): Promise<bigint[]> {
    const count = result.decision.events.length;
    const last = result.position!;
    if (count === 1) return [last];
    const fromRevision = BigInt(Math.max(0, result.state.revision - count + 1 - OTHER_WRITES_SLACK));
    const events = await this.ledger.readStream(orgStream(orgId), { fromRevision, limit: count + 2 * OTHER_WRITES_SLACK });
    const positions = events.filter((e) => e.metadata.correlationId === correlationId && e.position <= last).map((e) => e.position);
    return positions.includes(last) ? positions : [...positions, last];
  }

  private nothingChanged(position: string): AwaitedPropagation {
    return {
      position,
      eventType: 'none',
      committedAt: this.clock.now(),
      targets: 0,
      acked: 0,
      pending: [],
      lagging: [],
      complete: true,
      ackLatencyMs: { p50: null, p90: null, p99: null, max: null },
    };
  }
}
