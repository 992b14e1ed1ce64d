import { type AllStreamResolvedEvent, type AllStreamSubscription, START } from '@eventstore/db-client';
import type { EventHandler, LedgerSubscription, RecordedEvent } from '../event-ledger.port';
import { isUnavailable, toLedgerError } from './eventstoredb-errors';
import { toRecordedEvent } from './eventstoredb-events';
import { SubscriptionOutcome } from '../subscription-outcome';

/** Opens one `$all` subscription (with the stream filter) from a position: START or strictly after it. */
export type SubscriptionOpener = (from: typeof START | bigint) => AllStreamSubscription;

export interface ResubscribeOptions {
  after: bigint | undefined;
  /** Backoff between resubscriptions: first delay, doubled up to max. */
  retryDelayMs: { initial: number; max: number };
}

const noop = (): void => undefined;
type Outcome = { kind: 'dropped' } | { kind: 'closed' };
type Ending = Outcome | { kind: 'failed'; error: unknown };

/**
 * A `$all` catch-up subscription that survives drops: the client does not resubscribe by
 * itself, so when the server ends or fails the subscription as unavailable, this one waits
 * (with backoff) and resubscribes strictly after the last handled position. Events are handed
 * to the handler one at a time (the gRPC stream is paused meanwhile); an event at or before
 * the last handled position is skipped, so a resubscription brings neither a gap nor a duplicate.
 *
 * `caughtUp` resolves once every event delivered before the server's caught-up message has
 * been handled (servers older than 23.10 do not send it: caughtUp then stays pending).
 */
export class EventStoreDbSubscription implements LedgerSubscription {
  readonly caughtUp: Promise<void>;
  readonly done: Promise<void>;
  private last: bigint | undefined;
  private closing = false;
  private readonly outcome = new SubscriptionOutcome();
  private current: AllStreamSubscription | undefined;
  private stopCurrent: (() => void) | undefined;

  constructor(
    private readonly open: SubscriptionOpener,
    private readonly options: ResubscribeOptions,
    private readonly handler: EventHandler,
  ) {
    this.caughtUp = this.outcome.caughtUp;
    this.done = this.outcome.follow(this.run());
  }

  get lastPosition(): bigint | undefined {
    return this.last;
  }

  close(): Promise<void> {
    this.closing = true;
    this.stopCurrent?.();
    return this.done.then(noop, noop);
  }

  private async run(): Promise<void> {
    let delay = this.options.retryDelayMs.initial;
    this.last = undefined;
    let after = this.options.after;
    while (!this.closing) {
      const delivered: bigint | undefined = this.last;
      const outcome = await this.consume(this.open(after ?? START), after);
      after = this.last ?? after;
      if (outcome.kind === 'closed' || this.closing) return;
      // Progress since the last drop resets the backoff.
      if (this.last !== delivered) delay = this.options.retryDelayMs.initial;
      await this.sleep(delay);
      delay = Math.min(delay * 2, this.options.retryDelayMs.max);
    }
  }

  /** Delivers one subscription's events until it drops (resolves) or the handler fails (rejects). */
  private consume(subscription: AllStreamSubscription, after: bigint | undefined): Promise<Outcome> {
    this.current = subscription;
    return new Promise<Outcome>((resolve, reject) => {
      let received = 0;
      let handled = 0;
      let marker: number | undefined;
      let chain: Promise<void> = Promise.resolve();
      let finished = false;
      const finish = (ending: Ending): void => {
        if (finished) return;
        finished = true;
        subscription.removeAllListeners('data');
        void subscription.unsubscribe().catch(noop);
        // Settle only once no handler is running: a resubscription must start after it.
        void chain.then(() => (ending.kind === 'failed' ? reject(ending.error) : resolve(ending)), reject);
      };
      const checkCaughtUp = (): void => {
        if (marker !== undefined && handled >= marker && !this.outcome.isCaughtUp) {
          this.outcome.markCaughtUp();
        }
      };
      this.stopCurrent = () => finish({ kind: 'closed' });
      subscription.on('caughtUp', () => {
        marker = received + subscription.readableLength;
        checkCaughtUp();
      });
      subscription.on('data', (resolved: AllStreamResolvedEvent) => {
        received++;
        subscription.pause();
        chain = chain
          .then(() => this.deliver(resolved, after))
          .then(() => {
            handled++;
            checkCaughtUp();
            if (!finished) subscription.resume();
          })
          .catch((error: unknown) => finish({ kind: 'failed', error }));
      });
      subscription.on('error', (error: unknown) => {
        if (isUnavailable(error) || (error as { type?: unknown }).type === 'cancelled') finish({ kind: 'dropped' });
        else finish({ kind: 'failed', error: toLedgerError(error, 'subscribe to $all') });
      });
      subscription.on('end', () => finish({ kind: 'dropped' }));
    });
  }

  private async deliver(resolved: AllStreamResolvedEvent, after: bigint | undefined): Promise<void> {
    if (this.closing || resolved.event === undefined) return;
    const { streamId, id, revision, type, data, metadata, position } = resolved.event;
    const event: RecordedEvent = toRecordedEvent({ streamId, id, revision, type, data, metadata, position: position?.commit });
    const floor = this.last ?? after;
    if (floor !== undefined && event.position <= floor) return;
    await this.handler(event);
    this.last = event.position;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.stopCurrent = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
