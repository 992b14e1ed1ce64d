import { EventStoreTestServer } from '@warden/testing';
import { describeEventLedgerContract } from '../contract/event-ledger.contract';
import { EventStoreDbEventLedger } from './eventstoredb-event-ledger';

/** Positions of a fresh test server: well above 0, so `after: 0n` and "from the start" never meet an event. */
const FIRST_POSITION = 1000n;

describeEventLedgerContract('EventStoreDbEventLedger on the in-process test server', () => {
  let server: EventStoreTestServer | undefined;
  const ledgers: EventStoreDbEventLedger[] = [];
  const connect = async (): Promise<EventStoreDbEventLedger> => {
    const ledger = await EventStoreDbEventLedger.connect((server as EventStoreTestServer).connectionString);
    ledgers.push(ledger);
    return ledger;
  };
  const record = (streamId: string, revision: bigint) => {
    const stream = (server as EventStoreTestServer).data.streams.get(streamId) ?? [];
    return { stream, index: stream.findIndex((r) => r.revision === revision) };
  };
  return {
    open: async (options) => {
      server = await EventStoreTestServer.start({ firstPosition: options?.firstPosition ?? FIRST_POSITION });
      return connect();
    },
    reopen: connect,
    replaceData: async (streamId, revision, data) => {
      const { stream, index } = record(streamId, revision);
      stream[index].data = Buffer.from(JSON.stringify(data), 'utf8');
    },
    deleteEvent: async (streamId, revision) => {
      const { stream, index } = record(streamId, revision);
      const [removed] = stream.splice(index, 1);
      const log = (server as EventStoreTestServer).data.log;
      log.splice(log.indexOf(removed), 1);
    },
    dispose: async () => {
      await Promise.all(ledgers.map((ledger) => ledger.close()));
      await server?.stop();
    },
  };
}, { globalEventIds: false });
