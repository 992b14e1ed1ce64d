/// <reference types="jest" />
import { WardenError } from '@warden/domain';
import type { EventLedger, RecordedEvent } from '../event-ledger.port';
import { decisionsStream, orgStream } from '../stream-names';
import type { ContractContext } from './event-ledger.contract';
import { collectEvents, newEvents, rejectionOf } from './event-fixtures';

const positions = (events: readonly RecordedEvent[]): bigint[] => events.map((e) => e.position);

/** Catch-up subscriptions: history then live, filters, checkpoints, failure and close. */
export function describeSubscribeContract(context: ContractContext): void {
  const open = (): Promise<EventLedger> => context.harness().open();

  describe('subscribe', () => {
    it('delivers the existing events, resolves caughtUp, then delivers live ones in order', async () => {
      const ledger = await open();
      await ledger.append(orgStream('a'), newEvents(3), { expectedRevision: 'no_stream' });
      const collector = collectEvents();
      const subscription = ledger.subscribe({}, collector.handler);
      await subscription.caughtUp;
      expect(collector.events).toHaveLength(3);
      await ledger.append(decisionsStream('n1'), newEvents(2), { expectedRevision: 'no_stream' });
      await collector.waitFor(5);
      expect(positions(collector.events)).toEqual(positions(await ledger.readAll()));
      expect(subscription.lastPosition).toBe(collector.events[4].position);
      await subscription.close();
      await expect(subscription.done).resolves.toBeUndefined();
    });

    it('resolves caughtUp at once on an empty ledger', async () => {
      const ledger = await open();
      const subscription = ledger.subscribe({}, collectEvents().handler);
      await subscription.caughtUp;
      expect(subscription.lastPosition).toBeUndefined();
      await subscription.close();
    });

    it('delivers only streams matching the prefixes', async () => {
      const ledger = await open();
      await ledger.append(decisionsStream('n1'), newEvents(2), { expectedRevision: 'no_stream' });
      await ledger.append(orgStream('a'), newEvents(1), { expectedRevision: 'no_stream' });
      const collector = collectEvents();
      const subscription = ledger.subscribe({ streamPrefixes: ['org-'] }, collector.handler);
      await subscription.caughtUp;
      await ledger.append(decisionsStream('n1'), newEvents(1), { expectedRevision: 'any' });
      await ledger.append(orgStream('b'), newEvents(1), { expectedRevision: 'no_stream' });
      await collector.waitFor(2);
      expect(collector.events.map((e) => e.streamId)).toEqual([orgStream('a'), orgStream('b')]);
      await subscription.close();
    });

    it('resumes after a checkpoint with no gap and no duplicate', async () => {
      const ledger = await open();
      await ledger.append(orgStream('a'), newEvents(4), { expectedRevision: 'no_stream' });
      const first = collectEvents();
      const before = ledger.subscribe({}, first.handler);
      await first.waitFor(2);
      await before.close();
      const checkpoint = before.lastPosition as bigint;
      expect(checkpoint).toBe(first.events[first.events.length - 1].position);
      await ledger.append(orgStream('a'), newEvents(2), { expectedRevision: 'any' });
      const second = collectEvents();
      const after = ledger.subscribe({ after: checkpoint }, second.handler);
      await after.caughtUp;
      expect([...positions(first.events), ...positions(second.events)]).toEqual(positions(await ledger.readAll()));
      await after.close();
    });

    it('delivers events appended while catching up exactly once', async () => {
      const ledger = await open();
      await ledger.append(orgStream('a'), newEvents(5), { expectedRevision: 'no_stream' });
      const collector = collectEvents();
      const subscription = ledger.subscribe({}, collector.handler);
      const appends = Array.from({ length: 20 }, (_, i) =>
        ledger.append(i % 2 === 0 ? orgStream('a') : decisionsStream('n1'), newEvents(1), { expectedRevision: 'any' }),
      );
      await Promise.all(appends);
      await collector.waitFor(25);
      expect(positions(collector.events)).toEqual(positions(await ledger.readAll()));
      await subscription.close();
    });

    it('stops with the error when the handler throws', async () => {
      const ledger = await open();
      await ledger.append(orgStream('a'), newEvents(3), { expectedRevision: 'no_stream' });
      const failure = new WardenError('invalid', 'handler_failed', 'the handler failed');
      const collector = collectEvents((_, index) => {
        if (index === 1) throw failure;
      });
      const subscription = ledger.subscribe({}, collector.handler);
      expect(await rejectionOf(subscription.done)).toBe(failure);
      expect(await rejectionOf(subscription.caughtUp)).toBe(failure);
      await ledger.append(orgStream('a'), newEvents(1), { expectedRevision: 'any' });
      expect(collector.events).toHaveLength(1);
      expect(subscription.lastPosition).toBe(collector.events[0].position);
      await expect(subscription.close()).resolves.toBeUndefined();
    });

    it('is stopped by closing the ledger', async () => {
      const ledger = await open();
      const subscription = ledger.subscribe({}, collectEvents().handler);
      await subscription.caughtUp;
      await ledger.close();
      await expect(subscription.done).resolves.toBeUndefined();
    });
  });
}
