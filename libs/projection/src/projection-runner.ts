import { LedgerUnavailableError } from '@warden/domain';
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

  /**
   * Starts following; resolves once every event present at start has been applied. If the
   * subscription ever stops on an error, the projection is marked failed, so validations
   * fail closed instead of answering from a state that no longer follows the ledger.
   */
  async start(): Promise<void> {
    const subscription = this.ledger.subscribe(
      { after: this.projection.position, streamPrefixes: [ORG_STREAM_PREFIX] },
      (event) => this.projection.apply(event),
    );
    this.subscription = subscription;
    subscription.done.catch((error: unknown) =>
      this.projection.fail(error instanceof Error ? error : new LedgerUnavailableError('the ledger subscription stopped', error)),
    );
    await subscription.caughtUp;
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
  }
}
