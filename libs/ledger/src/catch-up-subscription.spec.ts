import { LedgerUnavailableError, WardenError } from '@warden/domain';
import { AppendNotifier } from './append-notifier';
import { type CatchUpOptions, CatchUpSubscription } from './catch-up-subscription';
import { collectEvents, rejectionOf } from './contract/event-fixtures';
import type { EventHandler, ReadAllOptions, RecordedEvent } from './event-ledger.port';

/** A log the test controls: `append` adds an event (and notifies unless told not to). */
function fakeLog() {
  const events: RecordedEvent[] = [];
  const notifier = new AppendNotifier();
  const reads: ReadAllOptions[] = [];
  let afterRead: ((options: ReadAllOptions) => void) | undefined;
  const append = (streamId = 'org-a', notify = true): RecordedEvent => {
    const position = BigInt(events.length + 1) * 10n;
    const event: RecordedEvent = {
      streamId,
      revision: BigInt(events.length),
      position,
      eventId: `e${position}`,
      type: 'Tested',
      data: {},
      metadata: { actor: 'admin', correlationId: 'c', prevHash: '', hash: '' },
    };
    events.push(event);
    if (notify) notifier.notify();
    return event;
  };
  const read = async (options: ReadAllOptions): Promise<RecordedEvent[]> => {
    reads.push(options);
    const after = options.after ?? 0n;
    const prefixes = options.streamPrefixes;
    const page = events
      .filter((e) => e.position > after && (!prefixes || prefixes.some((p) => e.streamId.startsWith(p))))
      .slice(0, options.limit);
    afterRead?.(options);
    return page;
  };
  return {
    events,
    notifier,
    reads,
    append,
    read,
    /** Runs after a read took its snapshot, before it returns (it may throw). */
    onRead(hook: (options: ReadAllOptions) => void) {
      afterRead = hook;
    },
    subscribe(handler: EventHandler, options: CatchUpOptions = {}) {
      return new CatchUpSubscription(read, notifier, { pageSize: 2, ...options }, handler);
    },
  };
}

const positions = (events: readonly RecordedEvent[]): bigint[] => events.map((e) => e.position);

describe('CatchUpSubscription', () => {
  it('reads page by page from the exclusive start, then follows notifications', async () => {
    const log = fakeLog();
    for (let i = 0; i < 5; i++) log.append();
    const collector = collectEvents();
    const subscription = log.subscribe(collector.handler, { after: 10n });
    await subscription.caughtUp;
    expect(positions(collector.events)).toEqual([20n, 30n, 40n, 50n]);
    expect(log.reads.every((r) => r.limit === 2)).toBe(true);
    log.append();
    expect(positions(await collector.waitFor(5))).toEqual([20n, 30n, 40n, 50n, 60n]);
    await subscription.close();
  });

  it('does not miss an event committed after an empty read but before it starts waiting', async () => {
    const log = fakeLog();
    const collector = collectEvents();
    let raced = false;
    log.onRead(() => {
      if (raced) return;
      raced = true;
      // This read's page is already taken (empty), and the notify fires before the
      // subscription waits: only the sequence snapshot makes it read again.
      log.append();
    });
    const subscription = log.subscribe(collector.handler);
    expect(positions(await collector.waitFor(1))).toEqual([10n]);
    expect(log.reads.length).toBeGreaterThanOrEqual(2);
    await subscription.close();
  });

  it('retries reads that fail with LedgerUnavailableError', async () => {
    const log = fakeLog();
    log.append();
    let failures = 2;
    log.onRead(() => {
      if (failures-- > 0) throw new LedgerUnavailableError('locked');
    });
    const collector = collectEvents();
    const subscription = log.subscribe(collector.handler, { retryDelayMs: { initial: 1, max: 2 } });
    await subscription.caughtUp;
    expect(positions(collector.events)).toEqual([10n]);
    expect(log.reads).toHaveLength(3);
    await subscription.close();
  });

  it('stops with any other read error', async () => {
    const log = fakeLog();
    const failure = new WardenError('corrupt', 'ledger_integrity', 'bad row');
    log.onRead(() => {
      throw failure;
    });
    const subscription = log.subscribe(collectEvents().handler);
    expect(await rejectionOf(subscription.done)).toBe(failure);
    expect(await rejectionOf(subscription.caughtUp)).toBe(failure);
  });

  it('lets the running handler finish on close, then delivers nothing more', async () => {
    const log = fakeLog();
    log.append();
    log.append();
    let entered: () => void = () => undefined;
    let release: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const collector = collectEvents(async () => {
      entered();
      await released;
    });
    const subscription = log.subscribe(collector.handler);
    await inHandler;
    let closed = false;
    const closing = subscription.close().then(() => {
      closed = true;
    });
    await new Promise(setImmediate);
    expect(closed).toBe(false);
    release();
    await closing;
    expect(positions(collector.events)).toEqual([10n]);
    expect(await rejectionOf(subscription.caughtUp)).toMatchObject({ code: 'subscription_closed' });
  });

  it('polls when asked to, for commits the notifier never hears of', async () => {
    const log = fakeLog();
    const collector = collectEvents();
    const subscription = log.subscribe(collector.handler, { pollIntervalMs: 1 });
    await subscription.caughtUp;
    log.append('org-a', false);
    expect(positions(await collector.waitFor(1))).toEqual([10n]);
    await subscription.close();
  });
});
