import fc from 'fast-check';
import { decisionsStream, type EventLedger, InMemoryEventLedger, InMemoryLedgerStore, type RecordedEvent } from '@warden/ledger';
import { AuditIndexStore, catchUpIndex, decisionPages, deviceHistory, exportRecords, type IndexEntry, InMemoryAuditIndexStore } from '@warden/audit';
import { appendSteps, DEVICES, type LedgerStep, ORGS, stepTime, writeLedger } from './audit-index.fixture';

const step: fc.Arbitrary<LedgerStep> = fc.oneof(
  fc.record({ kind: fc.constant('register' as const), org: fc.nat(ORGS.length - 1), device: fc.nat(DEVICES.length - 1) }),
  fc.record({ kind: fc.constant('decide' as const), org: fc.nat(ORGS.length - 1), device: fc.nat(DEVICES.length - 1), node: fc.nat(1), allowed: fc.boolean() }),
);

/** A ledger whose first `indexed` steps the index has taken in; the rest is the tail after its checkpoint. */
async function indexedLedger(steps: readonly LedgerStep[], indexed: number): Promise<{ ledger: EventLedger; index: AuditIndexStore }> {
  const ledger = await writeLedger(steps.slice(0, indexed));
  const index = new InMemoryAuditIndexStore();
  await catchUpIndex(ledger, index, { pageSize: 3 });
  await appendSteps(ledger, steps.slice(indexed), indexed);
  return { ledger, index };
}

async function positions(pages: AsyncIterable<{ records: RecordedEvent[] }>): Promise<string[]> {
  const found: string[] = [];
  for await (const page of pages) for (const record of page.records) found.push(`${record.position}:${record.eventId}`);
  return found;
}

async function collect(records: AsyncIterable<RecordedEvent>): Promise<string[]> {
  const found: string[] = [];
  for await (const record of records) found.push(`${record.position}:${record.eventId}`);
  return found;
}

const scenario = fc.record({
  steps: fc.array(step, { maxLength: 60 }),
  cut: fc.nat(60),
  org: fc.nat(ORGS.length - 1),
  device: fc.option(fc.nat(DEVICES.length - 1), { nil: undefined }),
  after: fc.option(fc.nat(80), { nil: undefined }),
});

describe('decisionPages', () => {
  it('finds the same records through the index (and its tail) as by scanning, on random ledgers', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ steps, cut, org, device, after }) => {
        const { ledger, index } = await indexedLedger(steps, Math.min(cut, steps.length));
        const selection = { orgId: ORGS[org], deviceId: device === undefined ? undefined : DEVICES[device], after: after === undefined ? undefined : BigInt(after) };
        const failures: unknown[] = [];
        const indexed = await positions(decisionPages(ledger, selection, { index, onIndexFailure: (e) => failures.push(e) }));
        expect(indexed).toEqual(await positions(decisionPages(ledger, selection)));
        expect(failures).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('reads no ledger record of another org when the index is up to date', async () => {
    const steps: LedgerStep[] = Array.from({ length: 200 }, (_, i) => ({ kind: 'decide', org: i % 3, device: 0, node: 0, allowed: true }));
    const { ledger, index } = await indexedLedger(steps, steps.length);
    const readAll = jest.spyOn(ledger, 'readAll');
    const readStream = jest.spyOn(ledger, 'readStream');
    const found = await positions(decisionPages(ledger, { orgId: 'globex' }, { index }));
    expect(found).toHaveLength(66);
    // One read per record, one for the checkpoint, and one empty page of tail.
    expect(readStream).toHaveBeenCalledTimes(67);
    expect(readAll).toHaveBeenCalledTimes(1);
  });

  it('skips entries the caller does not keep without reading their records', async () => {
    const steps: LedgerStep[] = Array.from({ length: 20 }, () => ({ kind: 'decide', org: 0, device: 1, node: 1, allowed: false }));
    const { ledger, index } = await indexedLedger(steps, steps.length);
    const readStream = jest.spyOn(ledger, 'readStream');
    const keep = (entry: IndexEntry) => entry.timeMs !== null && entry.timeMs >= Date.parse(stepTime(18));
    const found = await positions(decisionPages(ledger, { orgId: 'acme', keep }, { index }));
    expect(found).toHaveLength(3);
    expect(readStream).toHaveBeenCalledTimes(1 + 3);
  });

  describe('when the index cannot be trusted', () => {
    const steps: LedgerStep[] = Array.from({ length: 30 }, (_, i) => ({ kind: 'decide', org: i % 2, device: i % 4, node: i % 2, allowed: i % 3 > 0 }));

    it('answers by scanning and reports it, for an index of another ledger', async () => {
      const { index } = await indexedLedger(steps, steps.length);
      const other = await writeLedger(steps.slice(0, 10));
      const failures: unknown[] = [];
      const found = await positions(decisionPages(other, { orgId: 'acme' }, { index, onIndexFailure: (e) => failures.push(e) }));
      expect(found).toEqual(await positions(decisionPages(other, { orgId: 'acme' })));
      expect(failures).toHaveLength(1);
    });

    it('answers by scanning from where it was, for an entry naming a record the ledger does not hold there', async () => {
      const { ledger, index } = await indexedLedger(steps, steps.length);
      const wrong = new InMemoryAuditIndexStore();
      const entries = index.list({ orgId: 'acme', after: 0n, upTo: index.checkpoint()!.position, limit: 100 });
      // The fifth entry points one revision off.
      wrong.add(entries.map((e, i) => (i === 4 ? { ...e, revision: e.revision + 1n } : e)), index.checkpoint()!);
      const failures: unknown[] = [];
      const found = await positions(decisionPages(ledger, { orgId: 'acme' }, { index: wrong, onIndexFailure: (e) => failures.push(e) }));
      expect(found).toEqual(await positions(decisionPages(ledger, { orgId: 'acme' })));
      expect(failures).toHaveLength(1);
    });

    it('answers by scanning when the store fails', async () => {
      const { ledger, index } = await indexedLedger(steps, steps.length);
      jest.spyOn(index, 'list').mockImplementation(() => {
        throw new Error('database disk image is malformed');
      });
      const failures: unknown[] = [];
      const found = await positions(decisionPages(ledger, { orgId: 'acme2' }, { index, onIndexFailure: (e) => failures.push(e) }));
      expect(found).toEqual(await positions(decisionPages(ledger, { orgId: 'acme2' })));
      expect(failures).toHaveLength(1);
    });
  });
});

describe('deviceHistory and exportRecords through the index', () => {
  const range = fc.option(fc.tuple(fc.nat(70), fc.nat(70)), { nil: undefined });

  it('give the same answers as without it, on random ledgers', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, range, async ({ steps, cut, org, device }, times) => {
        const { ledger, index } = await indexedLedger(steps, Math.min(cut, steps.length));
        const orgId = ORGS[org];
        const deviceId = DEVICES[device ?? 0];
        expect(await deviceHistory(ledger, orgId, deviceId, { index })).toEqual(await deviceHistory(ledger, orgId, deviceId));
        const [from, to] = times === undefined ? [undefined, undefined] : [stepTime(Math.min(...times)), stepTime(Math.max(...times))];
        const selection = { orgId, from, to, pageSize: 4 };
        expect(await collect(exportRecords(ledger, { ...selection, index }))).toEqual(await collect(exportRecords(ledger, selection)));
      }),
      { numRuns: 100 },
    );
  });

  it('refuse a history from a tampered decision record of the device, as without it', async () => {
    const store = new InMemoryLedgerStore();
    const ledger = await writeLedger(
      [
        { kind: 'register', org: 0, device: 0 },
        { kind: 'decide', org: 0, device: 0, node: 0, allowed: true },
        { kind: 'decide', org: 0, device: 0, node: 0, allowed: true },
      ],
      new InMemoryEventLedger({ store }),
    );
    const index = new InMemoryAuditIndexStore();
    await catchUpIndex(ledger, index);
    const row = store.streams.get(decisionsStream('node-0'))![0];
    row.dataJson = row.dataJson.replace('"allowed":true', '"allowed":false');
    await expect(deviceHistory(ledger, 'acme', 'd0', { index })).rejects.toThrow(/hash/);
    await expect(deviceHistory(ledger, 'acme', 'd0')).rejects.toThrow(/hash/);
  });
});
