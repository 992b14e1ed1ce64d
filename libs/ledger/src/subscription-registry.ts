import type { AppendNotifier } from './append-notifier';
import { type CatchUpOptions, CatchUpSubscription, type PageReader } from './catch-up-subscription';
import type { EventHandler, LedgerSubscription } from './event-ledger.port';

/** The live subscriptions of one ledger, so that closing the ledger stops them all first. */
export class SubscriptionRegistry {
  private readonly live = new Set<CatchUpSubscription>();

  /** Starts a catch-up subscription and tracks it until it stops. */
  start(read: PageReader, notifier: AppendNotifier, options: CatchUpOptions, handler: EventHandler): LedgerSubscription {
    const subscription = new CatchUpSubscription(read, notifier, options, handler);
    this.live.add(subscription);
    const forget = (): void => {
      this.live.delete(subscription);
    };
    subscription.done.then(forget, forget);
    return subscription;
  }

  /** Closes every live subscription; resolves once no handler is running. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.live].map((subscription) => subscription.close()));
  }
}
