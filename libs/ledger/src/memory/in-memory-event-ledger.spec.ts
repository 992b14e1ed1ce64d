import { describeEventLedgerContract } from '../contract/event-ledger.contract';
import { collectEvents, newEvent, newEvents } from '../contract/event-fixtures';
import { InMemoryEventLedger, InMemoryLedgerStore } from './in-memory-event-ledger';
import type { StoredEventRow } from '../stored-event';
import { orgStream } from '../stream-names';

/** Replaces (or with `undefined`, removes) one stored row behind the ledger's back. */
function tamper(store: InMemoryLedgerStore, streamId: string, revision: bigint, replacement?: StoredEventRow): void {
  const rows = store.streams.get(streamId) ?? [];
  const row = rows.find((r) => r.revision === revision) as StoredEventRow;
  for (const list of [rows, store.log]) {
    const index = list.indexOf(row);
    if (replacement === undefined) list.splice(index, 1);
    else list[index] = replacement;
  }
  if (replacement === undefined) store.byEventId.delete(row.eventId);
  else store.byEventId.set(row.eventId, replacement);
}

describeEventLedgerContract('InMemoryEventLedger', () => {
  const store = new InMemoryLedgerStore();
  const opened: InMemoryEventLedger[] = [];
  const track = (ledger: InMemoryEventLedger): InMemoryEventLedger => {
    opened.push(ledger);
    return ledger;
  };
  return {
    open: async (options) => track(new InMemoryEventLedger({ store, firstPosition: options?.firstPosition })),
    reopen: async () => track(new InMemoryEventLedger({ store })),
    replaceData: async (streamId, revision, data) => {
      const row = store.streams.get(streamId)?.find((r) => r.revision === revision) as StoredEventRow;
      tamper(store, streamId, revision, { ...row, dataJson: JSON.stringify(data) });
    },
    deleteEvent: async (streamId, revision) => tamper(store, streamId, revision),
    dispose: async () => {
      await Promise.all(opened.map((ledger) => ledger.close()));
    },
  };
});

describe('InMemoryEventLedger', () => {
  it('keeps stored events safe from callers mutating what they appended or read', async () => {
    const ledger = new InMemoryEventLedger();
    const event = newEvent({ data: { name: 'Acme' } });
    await ledger.append(orgStream('a'), [event], { expectedRevision: 'no_stream' });
    (event.data as { name: string }).name = 'changed after append';
    const [read] = await ledger.readStream(orgStream('a'));
    (read.data as { name: string }).name = 'changed after read';
    expect((await ledger.readStream(orgStream('a')))[0].data).toEqual({ name: 'Acme' });
    await ledger.close();
  });

  it('wakes subscriptions of every ledger sharing the store', async () => {
    const store = new InMemoryLedgerStore();
    const reader = new InMemoryEventLedger({ store });
    const writer = new InMemoryEventLedger({ store });
    const collector = collectEvents();
    const subscription = reader.subscribe({}, collector.handler);
    await subscription.caughtUp;
    await writer.append(orgStream('a'), newEvents(2), { expectedRevision: 'no_stream' });
    expect((await collector.waitFor(2)).map((e) => e.revision)).toEqual([0n, 1n]);
    await reader.close();
    await writer.close();
  });

  it('keeps the first position of the store when reopened with another one', async () => {
    const store = new InMemoryLedgerStore();
    const ledger = new InMemoryEventLedger({ store, firstPosition: 100n });
    await ledger.append(orgStream('a'), newEvents(1), { expectedRevision: 'no_stream' });
    const reopened = new InMemoryEventLedger({ store, firstPosition: 5n });
    const { position } = await reopened.append(orgStream('a'), newEvents(1), { expectedRevision: 0n });
    expect(position).toBe(101n);
  });

  it('refuses a first position below 1', () => {
    expect(() => new InMemoryEventLedger({ firstPosition: 0n })).toThrow(
      expect.objectContaining({ kind: 'invalid', code: 'invalid_first_position' }),
    );
  });
});
