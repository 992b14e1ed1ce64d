/// <reference types="jest" />
import { LedgerIntegrityError, LedgerUnavailableError } from '@warden/domain';
import type { EventLedger } from '../event-ledger.port';
import { orgStream } from '../stream-names';
import type { ContractContext } from './event-ledger.contract';
import { collectEvents, newEvents, rejectionOf } from './event-fixtures';

/** Close and reopen, positions past 2^53, and the hash chain guarding stored events. */
export function describeDurabilityContract(context: ContractContext): void {
  const open = (): Promise<EventLedger> => context.harness().open();

  describe('close and reopen', () => {
    it('keeps the data and the chain, and appends continue the chain', async () => {
      const ledger = await open();
      await ledger.append(orgStream('a'), newEvents(2), { expectedRevision: 'no_stream' });
      const before = await ledger.readStream(orgStream('a'));
      await ledger.close();

      const reopened = await context.harness().reopen();
      expect(await reopened.readStream(orgStream('a'))).toEqual(before);
      const next = await reopened.append(orgStream('a'), newEvents(1), { expectedRevision: 1n });
      expect(next.position).toBeGreaterThan(before[1].position);
      const after = await reopened.readStream(orgStream('a'));
      expect(after).toHaveLength(3);
      expect(after[2].metadata.prevHash).toBe(before[1].metadata.hash);
      expect(await reopened.headPosition()).toBe(next.position);
    });

    it('fails every call with LedgerUnavailableError once closed', async () => {
      const ledger = await open();
      await ledger.close();
      await ledger.close();
      const calls = [
        ledger.append(orgStream('a'), newEvents(1), { expectedRevision: 'any' }),
        ledger.readStream(orgStream('a')),
        ledger.readAll(),
        ledger.headPosition(),
      ];
      for (const call of calls) expect(await rejectionOf(call)).toBeInstanceOf(LedgerUnavailableError);
    });
  });

  describe('when positions start beyond 2^53', () => {
    const first = 2n ** 53n + 10n;

    context.itIf('choosesFirstPosition')('returns them as exact bigints everywhere', async () => {
      const ledger = await context.harness().open({ firstPosition: first });
      const appended = await ledger.append(orgStream('big'), newEvents(2), { expectedRevision: 'no_stream' });
      await ledger.append(orgStream('big'), newEvents(1), { expectedRevision: 1n });
      expect(appended.position).toBe(first + 1n);
      const all = await ledger.readAll();
      expect(all.map((e) => e.position)).toEqual([first, first + 1n, first + 2n]);
      expect(typeof all[0].position).toBe('bigint');
      expect((await ledger.readAll({ after: first })).map((e) => e.position)).toEqual([first + 1n, first + 2n]);
      expect(await ledger.headPosition()).toBe(first + 2n);

      const collector = collectEvents();
      const subscription = ledger.subscribe({ after: first + 1n }, collector.handler);
      await subscription.caughtUp;
      expect(collector.events.map((e) => e.position)).toEqual([first + 2n]);
      await subscription.close();
    });
  });

  describe('hash chain', () => {
    context.itIf('tampering')('names the tampered revision when stored data was changed', async () => {
      const ledger = await open();
      await ledger.append(orgStream('a'), newEvents(3), { expectedRevision: 'no_stream' });
      await context.harness().replaceData(orgStream('a'), 1n, { n: 1000, label: 'forged' });
      const error = await rejectionOf(ledger.readStream(orgStream('a')));
      expect(error).toBeInstanceOf(LedgerIntegrityError);
      expect(error).toMatchObject({ streamId: orgStream('a'), revision: 1n, kind: 'corrupt' });
      expect(await rejectionOf(ledger.readStream(orgStream('a'), { fromRevision: 1n }))).toMatchObject({
        revision: 1n,
      });
    });

    context.itIf('tampering')('detects a deleted event', async () => {
      const ledger = await open();
      await ledger.append(orgStream('a'), newEvents(3), { expectedRevision: 'no_stream' });
      await context.harness().deleteEvent(orgStream('a'), 1n);
      expect(await rejectionOf(ledger.readStream(orgStream('a')))).toMatchObject({ revision: 2n });
      expect(await rejectionOf(ledger.readStream(orgStream('a'), { fromRevision: 2n }))).toBeInstanceOf(
        LedgerIntegrityError,
      );
    });

    context.itIf('tampering')('detects a deleted first event', async () => {
      const ledger = await open();
      await ledger.append(orgStream('a'), newEvents(2), { expectedRevision: 'no_stream' });
      await context.harness().deleteEvent(orgStream('a'), 0n);
      expect(await rejectionOf(ledger.readStream(orgStream('a')))).toBeInstanceOf(LedgerIntegrityError);
    });
  });
}
