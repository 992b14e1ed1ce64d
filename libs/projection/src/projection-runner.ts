import { ORG_STREAM_PREFIX, type EventLedger, type LedgerSubscription } from '@warden/ledger';
import type { PermissionProjection } from './permission-projection';

/**
 * Keeps a PermissionProjection up to date: a catch-up subscription to the org streams of
 * the ledger from the projection's position, continuing live.
 */
export class ProjectionRunner {
  private subscription: LedgerSubscription | undefined;

  constructor(
    private readonly ledger: EventLedger,
    private readonly projection: PermissionProjection,
  ) {}

  /** Starts following; resolves once every event present at start has been applied. */
  async start(): Promise<void> {
    this.subscription = this.ledger.subscribe(
      { after: this.projection.position, streamPrefixes: [ORG_STREAM_PREFIX] },
      (event) => this.projection.apply(event),
    );
    await this.subscription.caughtUp;
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
  }
}
