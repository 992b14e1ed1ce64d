/// <reference types="jest" />
import type { EventLedger, RecordedEvent } from '../event-ledger.port';
import { decisionsStream, orgStream } from '../stream-names';
import type { ContractContext } from './event-ledger.contract';
import { newEvents, rejectionOf } from './event-fixtures';

const positions = (events: readonly RecordedEvent[]): bigint[] => events.map((e) => e.position);
const streams = (events: readonly RecordedEvent[]): string[] => events.map((e) => e.streamId);

/** Appends org-a (2), decisions-n1 (2), other-x (1), org-b (1), interleaved. */
async function seed(ledger: EventLedger): Promise<RecordedEvent[]> {
  await ledger.append(orgStream('a'), newEvents(1), { expectedRevision: 'no_stream' });
  await ledger.append(decisionsStream('n1'), newEvents(2), { expectedRevision: 'no_stream' });
  await ledger.append('other-x', newEvents(1), { expectedRevision: 'no_stream' });
  await ledger.append(orgStream('a'), newEvents(1), { expectedRevision: 0n });
  await ledger.append(orgStream('b'), newEvents(1), { expectedRevision: 'no_stream' });
  return ledger.readAll();
}

/** Reads: streams, the global log with start, prefixes and limit, and the head position. */
export function describeReadContract(context: ContractContext): void {
  const open = (): Promise<EventLedger> => context.harness().open();

  describe('readStream', () => {
    it('reads a missing stream as []', async () => {
      const ledger = await open();
      expect(await ledger.readStream(orgStream('nobody'))).toEqual([]);
    });

    it('reads from a revision on', async () => {
      const ledger = await open();
      await ledger.append(orgStream('a'), newEvents(4), { expectedRevision: 'no_stream' });
      const tail = await ledger.readStream(orgStream('a'), { fromRevision: 2n });
      expect(tail.map((e) => e.revision)).toEqual([2n, 3n]);
      expect(await ledger.readStream(orgStream('a'), { fromRevision: 9n })).toEqual([]);
    });

    it('reads a page of a stream: at most `limit` events from a revision, the same events as a whole read', async () => {
      const ledger = await open();
      await ledger.append(orgStream('a'), newEvents(5), { expectedRevision: 'no_stream' });
      const whole = await ledger.readStream(orgStream('a'));
      const pages = [
        await ledger.readStream(orgStream('a'), { limit: 2 }),
        await ledger.readStream(orgStream('a'), { fromRevision: 2n, limit: 2 }),
        await ledger.readStream(orgStream('a'), { fromRevision: 4n, limit: 2 }),
      ];
      expect(pages.map((page) => page.map((e) => e.revision))).toEqual([[0n, 1n], [2n, 3n], [4n]]);
      expect(pages.flat()).toEqual(whole);
      expect(await ledger.readStream(orgStream('a'), { fromRevision: 5n, limit: 2 })).toEqual([]);
    });

    it('refuses a stream page limit that is not a positive integer', async () => {
      const ledger = await open();
      await expect(ledger.readStream(orgStream('a'), { limit: 0 })).rejects.toMatchObject({ code: 'invalid_limit' });
    });
  });

  describe('readAll', () => {
    it('reads every stream in strictly increasing position order', async () => {
      const ledger = await open();
      const all = await seed(ledger);
      expect(streams(all)).toEqual([
        orgStream('a'),
        decisionsStream('n1'),
        decisionsStream('n1'),
        'other-x',
        orgStream('a'),
        orgStream('b'),
      ]);
      for (let i = 1; i < all.length; i++) expect(all[i].position).toBeGreaterThan(all[i - 1].position);
    });

    it('starts after the given position, exclusively', async () => {
      const ledger = await open();
      const all = await seed(ledger);
      expect(positions(await ledger.readAll({ after: all[2].position }))).toEqual(positions(all.slice(3)));
      expect(await ledger.readAll({ after: all[5].position })).toEqual([]);
    });

    it('filters by stream prefix, with and without a start position', async () => {
      const ledger = await open();
      const all = await seed(ledger);
      const orgs = all.filter((e) => e.streamId.startsWith('org-'));
      expect(positions(await ledger.readAll({ streamPrefixes: ['org-'] }))).toEqual(positions(orgs));
      expect(positions(await ledger.readAll({ streamPrefixes: ['org-'], after: orgs[0].position }))).toEqual(
        positions(orgs.slice(1)),
      );
      expect(streams(await ledger.readAll({ streamPrefixes: ['org-a'] }))).toEqual([orgStream('a'), orgStream('a')]);
      expect(streams(await ledger.readAll({ streamPrefixes: ['oth'] }))).toEqual(['other-x']);
      expect(await ledger.readAll({ streamPrefixes: [] })).toEqual([]);
    });

    it('merges several prefixes in position order without duplicates', async () => {
      const ledger = await open();
      const all = await seed(ledger);
      const page = await ledger.readAll({ streamPrefixes: ['decisions-', 'org-', 'org-a'] });
      expect(positions(page)).toEqual(positions(all.filter((e) => e.streamId !== 'other-x')));
      const limited = await ledger.readAll({ streamPrefixes: ['org-', 'decisions-'], limit: 2 });
      expect(positions(limited)).toEqual(positions(all.slice(0, 2)));
    });

    it('pages with a limit, every event exactly once', async () => {
      const ledger = await open();
      const all = await seed(ledger);
      const seen: bigint[] = [];
      let after: bigint | undefined;
      for (;;) {
        const page = await ledger.readAll({ after, limit: 2 });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(2);
        seen.push(...positions(page));
        after = page[page.length - 1].position;
      }
      expect(seen).toEqual(positions(all));
    });

    it('refuses a limit that is not a positive integer', async () => {
      const ledger = await open();
      expect(await rejectionOf(ledger.readAll({ limit: 0 }))).toMatchObject({ kind: 'invalid' });
    });
  });

  describe('headPosition', () => {
    it('is undefined for an empty ledger and the newest position afterwards', async () => {
      const ledger = await open();
      expect(await ledger.headPosition()).toBeUndefined();
      const all = await seed(ledger);
      expect(await ledger.headPosition()).toBe(all[all.length - 1].position);
    });
  });
}
