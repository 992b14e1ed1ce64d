/// <reference types="jest" />
import type { EventLedger } from '../event-ledger.port';
import { describeAppendContract } from './append.contract';
import { describeDurabilityContract } from './durability.contract';
import { describeReadContract } from './read.contract';
import { describeSubscribeContract } from './subscribe.contract';

/**
 * What a contract run needs from an adapter: fresh, empty storage per test, a way to reopen
 * the same data, and a way to damage stored events behind the ledger's back.
 */
export interface EventLedgerHarness {
  /** Opens a ledger on this test's (initially empty) storage. */
  open(options?: { firstPosition?: bigint }): Promise<EventLedger>;
  /** Opens another ledger on the same data (the test closes the previous one first). */
  reopen(): Promise<EventLedger>;
  /** Changes the stored data of one event without going through the ledger. */
  replaceData(streamId: string, revision: bigint, data: unknown): Promise<void>;
  /** Removes one stored event without going through the ledger. */
  deleteEvent(streamId: string, revision: bigint): Promise<void>;
  /** Closes every ledger it opened and removes the storage. */
  dispose(): Promise<void>;
}

/** Builds a fresh harness for one test. */
export type EventLedgerHarnessFactory = () => EventLedgerHarness | Promise<EventLedgerHarness>;

/**
 * What an adapter or its harness cannot do; each `false` skips the tests that need it, with
 * the reason in the test name. Everything defaults to true.
 */
export interface LedgerCapabilities {
  /**
   * Event ids are unique across the whole ledger (SQLite, in-memory). EventStoreDB only checks
   * them within a stream, so an id reused in another stream is not refused there. warden's own
   * ids (UUIDs made by the server) never collide across streams.
   */
  readonly globalEventIds?: boolean;
  /** The harness can change or delete stored events behind the ledger (not on a real server). */
  readonly tampering?: boolean;
  /** The harness can choose where positions start (not on a real server). */
  readonly choosesFirstPosition?: boolean;
}

/** Gives the parts of the suite the current test's harness. */
export interface ContractContext {
  harness(): EventLedgerHarness;
  /** `it`, or `it.skip` when the adapter lacks the capability. */
  itIf(capability: keyof LedgerCapabilities): jest.It;
}

/**
 * The EventLedger contract: every adapter runs this suite, so that the in-memory ledger of
 * unit tests and the production adapters cannot drift apart.
 */
export function describeEventLedgerContract(
  name: string,
  factory: EventLedgerHarnessFactory,
  capabilities: LedgerCapabilities = {},
): void {
  describe(`${name} honours the EventLedger contract`, () => {
    let current: EventLedgerHarness | undefined;
    const context: ContractContext = {
      // Only called inside tests, after beforeEach has built the harness.
      harness: () => current as EventLedgerHarness,
      itIf: (capability) => (capabilities[capability] === false ? it.skip : it),
    };

    beforeEach(async () => {
      current = await factory();
    });

    afterEach(async () => {
      await current?.dispose();
      current = undefined;
    });

    describeAppendContract(context);
    describeReadContract(context);
    describeSubscribeContract(context);
    describeDurabilityContract(context);
  });
}
