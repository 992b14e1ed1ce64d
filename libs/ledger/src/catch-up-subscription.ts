import { LedgerUnavailableError } from '@warden/domain';
import type { AppendNotifier } from './append-notifier';
import { SubscriptionOutcome } from './subscription-outcome';
import type {
  EventHandler,
  LedgerSubscription,
  ReadAllOptions,
  RecordedEvent,
  SubscribeOptions,
} from './event-ledger.port';

/** Reads one page of the global log, as EventLedger.readAll does. */
export type PageReader = (options: ReadAllOptions) => Promise<RecordedEvent[]>;

/** Tuning of a catch-up subscription; adapters pass their own defaults. */
export interface CatchUpOptions extends SubscribeOptions {
  /** Events read per page (default 500). */
  pageSize?: number;
  /**
   * When set, also re-read this often while idle, to notice events committed by another
   * process (which the in-process notifier cannot see). Omit to rely on the notifier alone.
   */
  pollIntervalMs?: number;
  /** Backoff while the ledger is unavailable: first delay, doubled up to max (default 10 ms → 1 s). */
  retryDelayMs?: { initial: number; max: number };
}

const DEFAULT_PAGE_SIZE = 500;
const DEFAULT_RETRY = { initial: 10, max: 1000 };
const noop = (): void => undefined;

/**
 * The catch-up subscription shared by every adapter: reads pages after the start position and
 * hands each event to the handler in position order (awaiting it), then waits for the notifier
 * (or the poll interval) and reads again. Guarantees: exclusive start, no gap, no duplicate.
 *
 * Failure: when the handler throws (or a read fails with anything but LedgerUnavailableError),
 * delivery stops, `done` rejects with that error, and so does `caughtUp` if still pending.
 * LedgerUnavailableError from a read is retried with backoff until close().
 * Closing before catching up rejects `caughtUp` with a `subscription_closed` WardenError.
 * Do not await close() from inside the handler: close waits for the handler to return.
 */
export class CatchUpSubscription implements LedgerSubscription {
  readonly caughtUp: Promise<void>;
  readonly done: Promise<void>;
  private last: bigint | undefined;
  private closing = false;
  private readonly outcome = new SubscriptionOutcome();
  private wake: (() => void) | undefined;
  private readonly readPage: PageReader;
  private readonly notifier: AppendNotifier;
  private readonly handler: EventHandler;
  private readonly options: CatchUpOptions;
  private readonly pageSize: number;

  constructor(readPage: PageReader, notifier: AppendNotifier, options: CatchUpOptions, handler: EventHandler) {
    this.readPage = readPage;
    this.notifier = notifier;
    this.handler = handler;
    this.options = options;
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.last = undefined;
    this.caughtUp = this.outcome.caughtUp;
    this.done = this.outcome.follow(this.run());
  }

  get lastPosition(): bigint | undefined {
    return this.last;
  }

  close(): Promise<void> {
    this.closing = true;
    this.wake?.();
    return this.done.then(noop, noop);
  }

  private async run(): Promise<void> {
    const retry = this.options.retryDelayMs ?? DEFAULT_RETRY;
    let retryDelay = retry.initial;
    let after = this.options.after;
    while (!this.closing) {
      // Snapshot before reading: a commit after this point changes the sequence, so the wait
      // below returns at once instead of missing it.
      const seen = this.notifier.sequence(this.options.streamPrefixes);
      let page: RecordedEvent[];
      try {
        page = await this.readPage({ after, streamPrefixes: this.options.streamPrefixes, limit: this.pageSize });
      } catch (error) {
        if (!(error instanceof LedgerUnavailableError)) throw error;
        await this.pause(undefined, retryDelay);
        retryDelay = Math.min(retryDelay * 2, retry.max);
        continue;
      }
      retryDelay = retry.initial;
      for (const event of page) {
        if (this.closing) return;
        if (after !== undefined && event.position <= after) continue;
        await this.handler(event);
        after = event.position;
        this.last = after;
      }
      if (page.length < this.pageSize) {
        this.outcome.markCaughtUp();
        await this.pause(seen, this.options.pollIntervalMs);
      }
    }
  }

  /**
   * Waits until close(), the timeout, or (when `seen` is given) a notify after `seen`.
   * Returns at once if any of these already happened.
   */
  private pause(seen: number | undefined, timeoutMs: number | undefined): Promise<void> {
    if (this.closing || (seen !== undefined && this.notifier.sequence(this.options.streamPrefixes) !== seen)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let stopListening: (() => void) | undefined;
      const finish = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        stopListening?.();
        this.wake = undefined;
        resolve();
      };
      if (seen !== undefined) stopListening = this.notifier.listen(finish, this.options.streamPrefixes);
      if (timeoutMs !== undefined) {
        timer = setTimeout(finish, timeoutMs);
        timer.unref();
      }
      this.wake = finish;
    });
  }
}
