import { LedgerUnavailableError } from '@warden/domain';
import {
  EventLedger,
  type AppendOptions,
  type AppendResult,
  type EventHandler,
  type LedgerSubscription,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from '@warden/ledger';

export type AppendHook = (streamId: string, events: readonly NewEvent[]) => void | Promise<void>;

/**
 * A ledger decorator for fault injection: make appends fail (as the real adapters do when
 * the store is locked, full or gone), run a hook before an append (e.g. another replica
 * writing first), and count appends. Reads and subscriptions pass through.
 */
export class FaultyEventLedger extends EventLedger {
  appendCalls = 0;
  private failing: Error | undefined;
  private beforeAppend: AppendHook | undefined;

  constructor(readonly inner: EventLedger) {
    super();
  }

  /** Every append fails with this error (default: LedgerUnavailableError) until `heal()`. */
  failAppends(error: Error = new LedgerUnavailableError('injected: ledger unavailable')): void {
    this.failing = error;
  }

  heal(): void {
    this.failing = undefined;
  }

  /** Runs once, before the next append reaches the inner ledger. */
  onceBeforeAppend(hook: AppendHook): void {
    this.beforeAppend = hook;
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    this.appendCalls++;
    const hook = this.beforeAppend;
    this.beforeAppend = undefined;
    if (hook) await hook(streamId, events);
    if (this.failing) throw this.failing;
    return this.inner.append(streamId, events, options);
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  subscribe(options: SubscribeOptions, handler: EventHandler): LedgerSubscription {
    return this.inner.subscribe(options, handler);
  }

  headPosition(): Promise<bigint | undefined> {
    return this.inner.headPosition();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
