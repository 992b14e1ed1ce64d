import { ConcurrencyError } from '@warden/domain';
import type {
  AppendOptions,
  AppendResult,
  EventHandler,
  LedgerSubscription,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
} from '@warden/ledger';
import { EventLedger } from '@warden/ledger';

/**
 * Test helper for a shared, real EventStoreDB: a ledger decorator that puts every stream of
 * one test under a unique namespace (`<ns>org-a`), so each test sees an empty ledger. Prefix
 * filters map one to one (`org-` → `<ns>org-`); reads without prefixes read the namespace only.
 * The hash chain does not cover the stream id, so renaming keeps it valid.
 */
export class NamespacedEventLedger extends EventLedger {
  constructor(
    private readonly inner: EventLedger,
    private readonly ns: string,
  ) {
    super();
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    try {
      return await this.inner.append(this.name(streamId), events, options);
    } catch (error) {
      if (error instanceof ConcurrencyError) throw new ConcurrencyError(streamId, error.expected, error.actual);
      throw error;
    }
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readStream(this.name(streamId), options)).map((e) => this.strip(e));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    const page = await this.inner.readAll({ ...options, streamPrefixes: this.prefixes(options?.streamPrefixes) });
    return page.map((e) => this.strip(e));
  }

  subscribe(options: SubscribeOptions, handler: EventHandler): LedgerSubscription {
    const prefixes = this.prefixes(options.streamPrefixes);
    return this.inner.subscribe({ ...options, streamPrefixes: prefixes }, (event) => handler(this.strip(event)));
  }

  /** The newest position inside the namespace (pages through it: for tests only). */
  async headPosition(): Promise<bigint | undefined> {
    await this.inner.headPosition();
    let head: bigint | undefined;
    for (;;) {
      const page = await this.inner.readAll({ after: head, streamPrefixes: [this.ns], limit: 500 });
      if (page.length === 0) return head;
      head = page[page.length - 1].position;
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private name(streamId: string): string {
    return `${this.ns}${streamId}`;
  }

  private prefixes(prefixes: readonly string[] | undefined): string[] {
    return prefixes === undefined ? [this.ns] : prefixes.map((p) => this.name(p));
  }

  private strip(event: RecordedEvent): RecordedEvent {
    return { ...event, streamId: event.streamId.slice(this.ns.length) };
  }
}
