import { randomUUID } from 'node:crypto';
import { WardenError } from '@warden/domain';
import { describeEventLedgerContract } from '../contract/event-ledger.contract';
import type { EventLedger } from '../event-ledger.port';
import { EventStoreDbEventLedger } from './eventstoredb-event-ledger';
import { NamespacedEventLedger } from '@warden/testing';

/**
 * The real-server lane: the contract suite against the EventStoreDB/KurrentDB at
 * EVENTSTORE_URL (e.g. `esdb://127.0.0.1:2113?tls=false` from docker-compose). Each test gets
 * its own stream namespace on the shared server. Known limits of this lane: a real server
 * cannot be tampered with (the three hash-chain tests fail by design: replaceData/deleteEvent
 * throw) nor told where positions start (the 2^53 test fails), and EventStoreDB does not
 * refuse an event id already used by another stream.
 */
const url = process.env.EVENTSTORE_URL;

if (url === undefined || url === '') {
  describe.skip('EventStoreDbEventLedger on a real EventStoreDB: skipped, EVENTSTORE_URL is not set (e.g. EVENTSTORE_URL=esdb://127.0.0.1:2113?tls=false)', () => {
    it('runs the EventLedger contract suite against EVENTSTORE_URL', () => undefined);
  });
} else {
  describeEventLedgerContract(`EventStoreDbEventLedger on ${url}`, () => {
    const ns = `t${randomUUID().replace(/-/g, '').slice(0, 12)}-`;
    const opened: EventLedger[] = [];
    const open = async (): Promise<EventLedger> => {
      const ledger = new NamespacedEventLedger(await EventStoreDbEventLedger.connect(url), ns);
      opened.push(ledger);
      return ledger;
    };
    const cannot = async (): Promise<void> => {
      throw new WardenError('invalid', 'not_supported', 'a real EventStoreDB cannot be tampered with from a test');
    };
    return {
      open,
      reopen: open,
      replaceData: cannot,
      deleteEvent: cannot,
      dispose: async () => {
        await Promise.all(opened.map((ledger) => ledger.close()));
      },
    };
  }, { globalEventIds: false, tampering: false, choosesFirstPosition: false });
}
