import { LedgerUnavailableError, WardenError } from '@warden/domain';
import { permissionDecidedSchema } from '@warden/events';
import { DECISIONS_STREAM_PREFIX, type EventLedger, type LedgerSubscription, type RecordedEvent } from '@warden/ledger';
import { PositionWaiters, type PermissionProjection } from '@warden/projection';
import type { Clock } from '../clock.port';
import { withDeadline } from '../with-deadline';
import type { LivenessTracker } from './liveness-tracker';

/**
 * Feeds a LivenessTracker with the signs of life recorded in the ledger: org events as the
 * projection folds them (policy changes; registrations and restores renew, revokes, removals
 * and expiries end a lease), and the decision records other replicas write (this node's own
 * are fed at once by ValidationService, so its stream is skipped here).
 *
 * It knows no history: at start every active device of an org with leases on gets a full
 * TTL from now, and the decisions subscription starts at the ledger's head. It is opened
 * only once some org has leases on, so a deployment without leases reads nothing more.
 */
export class LivenessFeed {
  private subscription: LedgerSubscription | undefined;
  private startedAfter: bigint | undefined;
  private readonly reached = new PositionWaiters();
  private stopObserving: (() => void) | undefined;
  private startMs = 0;
  private failure: Error | undefined;

  constructor(
    private readonly ledger: EventLedger,
    private readonly projection: PermissionProjection,
    private readonly tracker: LivenessTracker,
    private readonly clock: Clock,
    /** This node's decisions stream: its records reach the tracker without the ledger. */
    private readonly ownStreamId: string,
  ) {}

  /** Why the decisions subscription stopped, if it did: the tracker may then miss signs of life. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Call once the projection has caught up with the ledger. */
  async start(): Promise<void> {
    const head = await this.ledger.headPosition();
    // From here to observe(), no await: every org event is either in the state read now or observed.
    this.startMs = Date.parse(this.clock.now());
    for (const orgId of this.projection.orgIds()) {
      const state = this.projection.org(orgId)!;
      if (state.exists && state.leaseTtlSeconds !== null) this.tracker.watchOrg(state, this.startMs);
    }
    this.stopObserving = this.projection.observe((event, state, recorded) => {
      this.tracker.onOrgEvent(event, state, this.startMs);
      if (this.tracker.active && !this.subscription) this.follow(recorded.position);
    });
    if (this.tracker.active) this.follow(head);
  }

  async stop(): Promise<void> {
    this.stopObserving?.();
    this.stopObserving = undefined;
    await this.subscription?.close();
  }

  /**
   * Resolves true once every decision record in the ledger now (its head) has reached the
   * tracker, false if that takes longer than `timeoutMs` or cannot be told (ledger down,
   * subscription failed). Cheap: one head read and one single-event read per step.
   */
  async caughtUp(timeoutMs: number): Promise<boolean> {
    if (!this.subscription) return true;
    if (this.failure) return false;
    try {
      const head = await this.ledger.headPosition();
      if (head === undefined) return true;
      for (;;) {
        const at = this.reached.current ?? this.startedAfter;
        if (at !== undefined && at >= head) return true;
        const [next] = await this.ledger.readAll({ after: at, streamPrefixes: [DECISIONS_STREAM_PREFIX], limit: 1 });
        if (!next || next.position > head) return true;
        const position = next.position;
        await withDeadline((signal) => this.reached.waitFor(position, signal), timeoutMs, () => new WardenError('unavailable', 'not_caught_up', 'decision records not followed in time'));
      }
    } catch {
      return false;
    }
  }

  private follow(after: bigint | undefined): void {
    this.startedAfter = after;
    const subscription = this.ledger.subscribe({ after, streamPrefixes: [DECISIONS_STREAM_PREFIX] }, (event) => this.onDecision(event));
    this.subscription = subscription;
    subscription.done.catch((error: unknown) => {
      this.failure = error instanceof Error ? error : new LedgerUnavailableError('the decisions subscription stopped', error);
      this.reached.fail(this.failure);
    });
  }

  private onDecision(event: RecordedEvent): void {
    if (event.streamId !== this.ownStreamId && event.type === 'PermissionDecided' && this.leasesOn(event.data)) {
      // A malformed record is audit's to report; here it is simply no sign of life.
      const parsed = permissionDecidedSchema.safeParse(event.data);
      if (parsed.success) {
        const { orgId, deviceId, decidedAt, code } = parsed.data;
        this.tracker.seen(orgId, deviceId, Date.parse(decidedAt), code);
      }
    }
    this.reached.advance(event.position);
  }

  /** Cheap look before parsing: most records are of orgs without leases. */
  private leasesOn(data: unknown): boolean {
    const orgId = (data as { orgId?: unknown } | null)?.orgId;
    return typeof orgId === 'string' && this.tracker.ttlSeconds(orgId) !== undefined;
  }
}
