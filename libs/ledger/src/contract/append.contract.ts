/// <reference types="jest" />
import { ConcurrencyError, WardenError } from '@warden/domain';
import type { EventLedger, ExpectedRevision } from '../event-ledger.port';
import { GENESIS_HASH } from '../hash-chain';
import { orgStream } from '../stream-names';
import type { ContractContext } from './event-ledger.contract';
import { newEvent, newEvents, rejectionOf } from './event-fixtures';

type StreamState = 'missing' | 'at revision 1' | 'at revision 2';
interface MatrixCase {
  expected: ExpectedRevision;
  state: StreamState;
  /** undefined: the append succeeds; otherwise the `actual` of the ConcurrencyError. */
  conflictActual: bigint | undefined;
}

const label = (expected: ExpectedRevision): string =>
  typeof expected === 'bigint' ? `revision ${expected}` : expected;
const EVENTS_FOR: Record<StreamState, number> = { missing: 0, 'at revision 1': 2, 'at revision 2': 3 };

const MATRIX: MatrixCase[] = [
  { expected: 'no_stream', state: 'missing', conflictActual: undefined },
  { expected: 'no_stream', state: 'at revision 1', conflictActual: 1n },
  { expected: 'no_stream', state: 'at revision 2', conflictActual: 2n },
  { expected: 'stream_exists', state: 'missing', conflictActual: -1n },
  { expected: 'stream_exists', state: 'at revision 1', conflictActual: undefined },
  { expected: 'stream_exists', state: 'at revision 2', conflictActual: undefined },
  { expected: 'any', state: 'missing', conflictActual: undefined },
  { expected: 'any', state: 'at revision 1', conflictActual: undefined },
  { expected: 'any', state: 'at revision 2', conflictActual: undefined },
  { expected: 1n, state: 'missing', conflictActual: -1n },
  { expected: 1n, state: 'at revision 1', conflictActual: undefined },
  { expected: 1n, state: 'at revision 2', conflictActual: 2n },
];

/** Append: revisions, hash links, expected revisions, idempotent retries, invalid batches. */
export function describeAppendContract(context: ContractContext): void {
  const open = (): Promise<EventLedger> => context.harness().open();

  describe('append', () => {
    it('numbers revisions from 0 and gives strictly increasing positions', async () => {
      const ledger = await open();
      const first = await ledger.append(orgStream('a'), newEvents(2), { expectedRevision: 'no_stream' });
      const second = await ledger.append(orgStream('b'), newEvents(1), { expectedRevision: 'no_stream' });
      const third = await ledger.append(orgStream('a'), newEvents(1), { expectedRevision: 1n });
      expect(first.nextRevision).toBe(1n);
      expect(second.nextRevision).toBe(0n);
      expect(third.nextRevision).toBe(2n);
      expect(second.position).toBeGreaterThan(first.position);
      expect(third.position).toBeGreaterThan(second.position);
      const stream = await ledger.readStream(orgStream('a'));
      expect(stream.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      expect(stream[1].position).toBe(first.position);
      expect(stream[2].position).toBe(third.position);
    });

    it('stores type, data and metadata, and links each event to the previous hash', async () => {
      const ledger = await open();
      const events = [newEvent({ type: 'OrgCreated', data: { name: 'Acme', tags: ['x'] } }), newEvent({ n: 7 })];
      await ledger.append(orgStream('acme'), events, { expectedRevision: 'no_stream' });
      const [first, second] = await ledger.readStream(orgStream('acme'));
      expect(first).toMatchObject({ streamId: orgStream('acme'), eventId: events[0].eventId, type: 'OrgCreated' });
      expect(first.data).toEqual({ name: 'Acme', tags: ['x'] });
      expect(first.metadata).toMatchObject(events[0].metadata);
      expect(first.metadata.prevHash).toBe(GENESIS_HASH);
      expect(first.metadata.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(second.metadata.prevHash).toBe(first.metadata.hash);
      expect(second.metadata.hash).not.toBe(first.metadata.hash);
    });

    describe('expected revision', () => {
      it.each(MATRIX.map((c) => ({ ...c, name: `expecting ${label(c.expected)} on a stream ${c.state}` })))(
        '$name',
        async ({ expected, state, conflictActual }) => {
          const ledger = await open();
          const stream = orgStream('matrix');
          if (EVENTS_FOR[state] > 0) {
            await ledger.append(stream, newEvents(EVENTS_FOR[state]), { expectedRevision: 'no_stream' });
          }
          const attempt = ledger.append(stream, newEvents(1), { expectedRevision: expected });
          // `conflictActual` undefined: the append must succeed.
          if (conflictActual === undefined) {
            await expect(attempt).resolves.toMatchObject({ nextRevision: BigInt(EVENTS_FOR[state]) });
          } else {
            const error = await rejectionOf(attempt);
            expect(error).toBeInstanceOf(ConcurrencyError);
            expect(error).toMatchObject({ streamId: stream, actual: conflictActual, kind: 'conflict' });
            expect(await ledger.readStream(stream)).toHaveLength(EVENTS_FOR[state]);
          }
        },
      );

      it('lets exactly one of two appends at the same expected revision win', async () => {
        const ledger = await open();
        const stream = orgStream('race');
        await ledger.append(stream, newEvents(1), { expectedRevision: 'no_stream' });
        const results = await Promise.allSettled([
          ledger.append(stream, newEvents(1), { expectedRevision: 0n }),
          ledger.append(stream, newEvents(1), { expectedRevision: 0n }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const rejected = results.find((r) => r.status === 'rejected');
        expect((rejected as PromiseRejectedResult).reason).toMatchObject({ actual: 1n });
        expect(await ledger.readStream(stream)).toHaveLength(2);
      });
    });

    describe('when the same event ids are appended again', () => {
      it('returns the original result without writing duplicates', async () => {
        const ledger = await open();
        const stream = orgStream('retry');
        const batch = newEvents(2);
        const original = await ledger.append(stream, batch, { expectedRevision: 'no_stream' });
        const retried = await ledger.append(stream, batch, { expectedRevision: 'no_stream' });
        expect(retried).toEqual(original);
        await ledger.append(stream, newEvents(1), { expectedRevision: 1n });
        expect(await ledger.append(stream, batch, { expectedRevision: 'any' })).toEqual(original);
        expect((await ledger.readStream(stream)).map((e) => e.eventId)).toHaveLength(3);
        expect(await ledger.readAll()).toHaveLength(3);
      });

      it('conflicts when the batch only partly matches what was stored', async () => {
        const ledger = await open();
        const stream = orgStream('overlap');
        const [a, b] = newEvents(2);
        await ledger.append(stream, [a, b], { expectedRevision: 'no_stream' });
        const c = newEvent();
        expect(await rejectionOf(ledger.append(stream, [a, c], { expectedRevision: 'any' }))).toBeInstanceOf(
          ConcurrencyError,
        );
        expect(await rejectionOf(ledger.append(stream, [b, c], { expectedRevision: 'any' }))).toMatchObject({
          actual: 1n,
        });
        expect(await rejectionOf(ledger.append(stream, [c, a], { expectedRevision: 1n }))).toBeInstanceOf(
          ConcurrencyError,
        );
        expect((await ledger.readStream(stream)).map((e) => e.eventId)).toEqual([a.eventId, b.eventId]);
      });

      context.itIf('globalEventIds')('conflicts when an id is already used by another stream, writing nothing', async () => {
        const ledger = await open();
        const taken = newEvent();
        await ledger.append(orgStream('owner'), [taken], { expectedRevision: 'no_stream' });
        const first = rejectionOf(ledger.append(orgStream('thief'), [taken], { expectedRevision: 'any' }));
        expect(await first).toMatchObject({ actual: -1n });
        expect(await first).toBeInstanceOf(ConcurrencyError);
        expect(await rejectionOf(ledger.append(orgStream('thief'), [newEvent(), taken], { expectedRevision: 'any' })))
          .toBeInstanceOf(ConcurrencyError);
        expect(await ledger.readStream(orgStream('thief'))).toEqual([]);
      });
    });

    describe('when the batch is invalid', () => {
      it('refuses an empty batch as invalid', async () => {
        const ledger = await open();
        const error = await rejectionOf(ledger.append(orgStream('empty'), [], { expectedRevision: 'any' }));
        expect(error).toBeInstanceOf(WardenError);
        expect(error).toMatchObject({ kind: 'invalid', code: 'empty_append' });
        expect(await ledger.headPosition()).toBeUndefined();
      });

      it('refuses a batch repeating an event id, or data that is not JSON', async () => {
        const ledger = await open();
        const event = newEvent();
        expect(await rejectionOf(ledger.append(orgStream('dup'), [event, event], { expectedRevision: 'any' })))
          .toMatchObject({ kind: 'invalid', code: 'invalid_event_id' });
        const unserializable = newEvent({ data: { big: 1n } });
        expect(await rejectionOf(ledger.append(orgStream('dup'), [newEvent(), unserializable], { expectedRevision: 'any' })))
          .toMatchObject({ kind: 'invalid', code: 'event_not_serializable' });
        expect(await ledger.readStream(orgStream('dup'))).toEqual([]);
      });
    });
  });
}
