import { verifyExport } from './export-verifier';
import { belongsToOrg, exportRecords, isInRange, parseTimeRange } from './export-records';
import { CountingLedger, appendDecisions, appendOrg, at, tempDir, twoOrgLedger } from './export.fixture';
import { exportOrg } from './org-exporter';

describe('belongsToOrg', () => {
  it("takes the org's own control stream and decision records naming the org", () => {
    expect(belongsToOrg({ streamId: 'org-acme', data: {} }, 'acme')).toBe(true);
    expect(belongsToOrg({ streamId: 'decisions-n1', data: { orgId: 'acme' } }, 'acme')).toBe(true);
  });

  it("refuses another org's stream, even one the org id prefixes, and other orgs' decisions", () => {
    expect(belongsToOrg({ streamId: 'org-acme2', data: { orgId: 'acme' } }, 'acme')).toBe(false);
    expect(belongsToOrg({ streamId: 'decisions-n1', data: { orgId: 'acme2' } }, 'acme')).toBe(false);
    expect(belongsToOrg({ streamId: 'other-acme', data: { orgId: 'acme' } }, 'acme')).toBe(false);
  });
});

describe('isInRange', () => {
  const range = parseTimeRange(at(1), at(3));

  it('includes both bounds and reads decidedAt or at', () => {
    expect(isInRange({ data: { at: at(1) } }, range)).toBe(true);
    expect(isInRange({ data: { decidedAt: at(3) } }, range)).toBe(true);
    expect(isInRange({ data: { decidedAt: at(4) } }, range)).toBe(false);
    expect(isInRange({ data: { at: at(0) } }, range)).toBe(false);
  });

  it('leaves out a record with no time when a range is set, and keeps it when none is', () => {
    expect(isInRange({ data: {} }, range)).toBe(false);
    expect(isInRange({ data: {} }, {})).toBe(true);
  });

  it('refuses a range that ends before it starts', () => {
    expect(() => parseTimeRange(at(3), at(1))).toThrow(expect.objectContaining({ kind: 'invalid' }));
  });
});

describe('exportRecords', () => {
  it('reads the ledger lazily, one page per pull', async () => {
    const ledger = (await twoOrgLedger()) as CountingLedger;
    const records = exportRecords(ledger, { orgId: 'acme', pageSize: 2 });
    expect(ledger.readAllCalls).toBe(0);
    await records.next();
    expect(ledger.readAllCalls).toBe(1);
    await records.return(undefined);
  });

  it('stops at the ledger head seen when it started', async () => {
    const ledger = await twoOrgLedger();
    const seen: string[] = [];
    for await (const event of exportRecords(ledger, { orgId: 'acme', pageSize: 3 })) {
      if (seen.length === 0) await appendOrg(ledger, 'acme', [{ type: 'OrgResumed', data: { orgId: 'acme', actor: 'admin', at: at(99) } }]);
      seen.push(event.type);
    }
    expect(seen).toHaveLength(12);
    expect(seen).not.toContain('OrgResumed');
  });
});

describe('a large export', () => {
  const tmp = tempDir();
  afterAll(() => tmp.dispose());
  const DECISIONS = 50_000;

  it('streams 50,000 records page by page and still verifies', async () => {
    const ledger = new CountingLedger();
    await appendOrg(ledger, 'big', [
      { type: 'OrgCreated', data: { orgId: 'big', name: 'Big', planTier: 'max', limit: 1000, at: at(0) } },
      { type: 'DeviceRegistered', data: { orgId: 'big', deviceId: 'dev-0', labels: {}, at: at(0) } },
    ]);
    for (let batch = 0; batch < DECISIONS / 1000; batch++) {
      const decisions = Array.from({ length: 1000 }, (_, i) => ({
        orgId: i % 10 === 0 ? 'other' : 'big',
        deviceId: `dev-${i % 7}`,
        minute: batch + 1,
      }));
      await appendDecisions(ledger, batch % 2 === 0 ? 'node-a' : 'node-b', decisions);
    }
    const readsAtProgress: Array<[number, number]> = [];
    const out = tmp.path('big.ndjson');
    const manifest = await exportOrg(ledger, {
      orgId: 'big',
      format: 'ndjson',
      out,
      toolVersion: 't',
      pageSize: 1000,
      onProgress: (records) => readsAtProgress.push([records, ledger.readAllCalls]),
    });

    const expected = 2 + (DECISIONS * 9) / 10;
    expect(manifest).toMatchObject({ records: expected, controlEvents: 2, decisions: expected - 2 });
    // Had the export gathered every record before writing, all 51 pages would be read by the first report.
    expect(readsAtProgress[0]).toEqual([1000, 2]);
    expect(ledger.readAllCalls).toBeGreaterThanOrEqual(DECISIONS / 1000);
    const [, readsHalfway] = readsAtProgress[Math.floor(readsAtProgress.length / 2)];
    expect(readsHalfway).toBeLessThan(ledger.readAllCalls / 2 + 2);
    expect(await verifyExport(out)).toMatchObject({ ok: true, records: expected });
  }, 60_000);
});
