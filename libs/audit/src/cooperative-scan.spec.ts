import { WardenError } from '@warden/domain';
import { decisionsStream, InMemoryEventLedger, orgStream, type EventLedger, type NewEvent } from '@warden/ledger';
import { LoopPacer, readAllPages, readStreamCooperatively, readStreamPages, yieldToEventLoop } from './cooperative-scan';
import { deviceHistory, orgStateAt } from './time-travel';

const AT = '2030-01-01T00:00:00.000Z';
const meta = { actor: 't', correlationId: 't' };

async function ledgerWith(decisions: number, devices = 3): Promise<EventLedger> {
  const ledger = new InMemoryEventLedger();
  const control: NewEvent[] = [{ eventId: 'o', type: 'OrgCreated', data: { orgId: 'acme', at: AT, name: 'acme', planTier: 'custom', limit: 1000 }, metadata: meta }];
  for (let i = 0; i < devices; i++) control.push({ eventId: `r${i}`, type: 'DeviceRegistered', data: { orgId: 'acme', at: AT, deviceId: `d${i}`, labels: {} }, metadata: meta });
  await ledger.append(orgStream('acme'), control, { expectedRevision: 'no_stream' });
  const records: NewEvent[] = [];
  for (let i = 0; i < decisions; i++) {
    const data = { decisionId: `q${i}`, orgId: 'acme', deviceId: `d${i % devices}`, action: 'validate', allowed: true, code: 'ALLOW', orgRevision: devices, decidedAt: AT };
    records.push({ eventId: `q${i}`, type: 'PermissionDecided', data, metadata: meta });
  }
  if (records.length > 0) await ledger.append(decisionsStream('n1'), records, { expectedRevision: 'no_stream' });
  return ledger;
}

/** Counts turns of the event loop (setImmediate callbacks) until stopped. */
function turnCounter(): { readonly turns: number; stop(): void } {
  let turns = 0;
  let running = true;
  const tick = (): void => {
    turns++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get turns() {
      return turns;
    },
    stop: () => (running = false),
  };
}

describe('cooperative reads', () => {
  describe('readAllPages', () => {
    it('reads every event in order, in pages of at most pageSize', async () => {
      const ledger = await ledgerWith(50);
      const pages: number[] = [];
      const positions: bigint[] = [];
      for await (const page of readAllPages(ledger, { streamPrefixes: ['decisions-'] }, { pageSize: 16 })) {
        pages.push(page.length);
        positions.push(...page.map((event) => event.position));
      }
      expect(pages).toEqual([16, 16, 16, 2]);
      expect(positions).toEqual((await ledger.readAll({ streamPrefixes: ['decisions-'] })).map((event) => event.position));
    });

    it('lets other work run between two pages of a query, and runs straight through without one', async () => {
      const ledger = await ledgerWith(64);
      const turnsBetweenPages = async (signal?: AbortSignal) => {
        const counter = turnCounter();
        const seen: number[] = [];
        for await (const _page of readAllPages(ledger, {}, { pageSize: 8, signal })) seen.push(counter.turns);
        counter.stop();
        return seen.slice(1).map((turns, i) => turns - seen[i]!);
      };
      // Pages come on timers: on a loaded machine two may fall in one loop iteration now and
      // then, so most gaps (not every one) must have let other work run; none without a signal.
      const yielding = await turnsBetweenPages(new AbortController().signal);
      expect(yielding.filter((turns) => turns > 0).length).toBeGreaterThanOrEqual(Math.ceil(yielding.length / 2));
      expect((await turnsBetweenPages()).every((turns) => turns === 0)).toBe(true);
    });

    it("stops between pages once its signal aborts, rejecting with the signal's reason, and reads no further page", async () => {
      const ledger = await ledgerWith(100);
      const readAll = jest.spyOn(ledger, 'readAll');
      const controller = new AbortController();
      const reason = new WardenError('unavailable', 'query_timeout', 'budget spent');
      const read = async () => {
        for await (const _page of readAllPages(ledger, {}, { pageSize: 10, signal: controller.signal })) controller.abort(reason);
      };
      await expect(read()).rejects.toBe(reason);
      expect(readAll).toHaveBeenCalledTimes(1);
    });
  });

  describe('readStreamPages', () => {
    it('reads a stream page by page, the same events as one readStream', async () => {
      const ledger = await ledgerWith(0, 20);
      const pages: number[] = [];
      for await (const page of readStreamPages(ledger, orgStream('acme'), { pageSize: 8 })) pages.push(page.length);
      expect(pages).toEqual([8, 8, 5]);
      expect(await readStreamCooperatively(ledger, orgStream('acme'), { pageSize: 8 })).toEqual(await ledger.readStream(orgStream('acme')));
      expect(await readStreamCooperatively(ledger, orgStream('nobody'))).toEqual([]);
    });
  });

  describe('the turn of the event loop', () => {
    it('lets one waiting read go per turn, however many wait', async () => {
      const counter = turnCounter();
      const released: number[] = [];
      await Promise.all([0, 1, 2, 3].map(async () => released.push((await yieldToEventLoop(), counter.turns))));
      counter.stop();
      expect(new Set(released).size).toBe(4);
    });

    it('has a pacer that is due once its slice has run, and starts a new slice after a pause', async () => {
      expect(new LoopPacer(undefined, 0).due()).toBe(false);
      const pacer = new LoopPacer(new AbortController().signal, 5);
      expect(pacer.due()).toBe(false);
      const start = performance.now();
      while (performance.now() - start < 6);
      expect(pacer.due()).toBe(true);
      await pacer.pause();
      expect(pacer.due()).toBe(false);
    });
  });

  describe('audit reads with a signal', () => {
    it('device history and state at a moment answer as before, and stop when the signal aborts', async () => {
      const ledger = await ledgerWith(300, 3);
      const paged = await deviceHistory(ledger, 'acme', 'd1', { pageSize: 7 });
      expect(paged.filter((entry) => entry.type === 'PermissionDecided')).toHaveLength(100);
      expect(paged).toEqual(await deviceHistory(ledger, 'acme', 'd1', { pageSize: 1000 }));
      expect(await orgStateAt(ledger, 'acme', { position: 2n ** 62n }, { pageSize: 2 })).toEqual(await orgStateAt(ledger, 'acme', { position: 2n ** 62n }));

      const aborted = AbortSignal.abort(new WardenError('unavailable', 'query_timeout', 'budget spent'));
      await expect(deviceHistory(ledger, 'acme', 'd1', { signal: aborted })).rejects.toMatchObject({ code: 'query_timeout' });
      await expect(orgStateAt(ledger, 'acme', { position: 1n }, { signal: aborted })).rejects.toMatchObject({ code: 'query_timeout' });
    });
  });
});
