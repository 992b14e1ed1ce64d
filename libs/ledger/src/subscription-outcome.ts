import { WardenError } from '@warden/domain';

const noop = (): void => undefined;

/**
 * The `caughtUp` and `done` promises of a subscription, shared by the adapters' subscription
 * loops: `caughtUp` resolves once (markCaughtUp), or rejects with the reason the loop ended
 * first (its error, or `subscription_closed` when it was closed before catching up); `done`
 * settles when the loop ends. Both are marked handled, so an unobserved failure is not an
 * unhandled rejection; awaiting them still throws.
 */
export class SubscriptionOutcome {
  readonly caughtUp: Promise<void>;
  private reached = false;
  private settle: { resolve: () => void; reject: (error: unknown) => void } = { resolve: noop, reject: noop };

  constructor() {
    this.caughtUp = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.caughtUp.catch(noop);
  }

  get isCaughtUp(): boolean {
    return this.reached;
  }

  markCaughtUp(): void {
    if (this.reached) return;
    this.reached = true;
    this.settle.resolve();
  }

  /** Follows the subscription's loop and answers its `done` promise. */
  follow(loop: Promise<void>): Promise<void> {
    const done = loop.then(
      () => {
        if (!this.reached) this.settle.reject(new WardenError('unavailable', 'subscription_closed', 'subscription closed before it caught up'));
      },
      (error: unknown) => {
        this.settle.reject(error);
        throw error;
      },
    );
    done.catch(noop);
    return done;
  }
}
