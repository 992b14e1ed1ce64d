import Database from 'better-sqlite3';
import { auditFixture, type AuditFixture } from './audit.fixture';
import { checkLedgerChains, scanLedger } from './ledger-scan';
import { replayLedger } from './replay';

interface Row {
  position: number;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
}

describe('ledger scan and chain check', () => {
  let f: AuditFixture;
  let rows: () => Row[];
  beforeEach(async () => {
    f = await auditFixture();
    await f.createOrg('acme', 5);
    for (const id of ['d1', 'd2', 'd3', 'd4']) await f.register('acme', id);
    await f.validate('acme', 'd1');
    await f.revoke('acme', 'd2');
    await f.validate('acme', 'd2');
    rows = () => {
      const db = new Database(f.path, { readonly: true });
      try {
        // Schema version 2: stream ids and types are interned in `names`.
        return db
          .prepare(
            `SELECT e.position, s.value AS stream_id, e.revision, t.value AS type, e.data
             FROM events e JOIN names s ON s.id = e.stream JOIN names t ON t.id = e.type ORDER BY e.position`,
          )
          .all() as Row[];
      } finally {
        db.close();
      }
    };
  });
  afterEach(() => f.dispose());

  const deviceRow = (deviceId: string): Row =>
    rows().find((row) => row.type === 'DeviceRegistered' && JSON.parse(row.data).deviceId === deviceId) as Row;

  it('reads the whole ledger page by page, in position order, reporting progress per page', async () => {
    const progress: bigint[] = [];
    const positions: bigint[] = [];
    for await (const event of scanLedger(f.ledger, { pageSize: 3, onProgress: (p) => progress.push(p.position) })) {
      positions.push(event.position);
    }
    expect(positions.map(Number)).toEqual(rows().map((row) => row.position));
    expect(progress).toHaveLength(Math.ceil(positions.length / 3));
  });

  it('finds no break in an untouched ledger', async () => {
    const { chainBreaks, events } = await checkLedgerChains(f.ledger, { pageSize: 4 });
    expect(chainBreaks).toEqual([]);
    expect(events).toBe(rows().length);
  });

  it('finds one changed byte of an event data at its position', async () => {
    const row = deviceRow('d3');
    f.tamper('UPDATE events SET data = ? WHERE position = ?', row.data.replace('"d3"', '"d9"'), row.position);
    const { chainBreaks } = await checkLedgerChains(f.ledger);
    expect(chainBreaks).toEqual([
      { streamId: 'org-acme', revision: String(row.revision), position: String(row.position), reason: 'hash does not match the event content' },
    ]);
    const report = await replayLedger(f.ledger);
    expect(report.chainBreaks).toEqual(chainBreaks);
  });

  it('finds a deleted event at the position of the event that follows it', async () => {
    const row = deviceRow('d2');
    f.tamper('DELETE FROM events WHERE position = ?', row.position);
    const following = rows().find((r) => r.stream_id === 'org-acme' && r.revision === row.revision + 1) as Row;
    const { chainBreaks } = await checkLedgerChains(f.ledger);
    expect(chainBreaks).toEqual([
      expect.objectContaining({ streamId: 'org-acme', position: String(following.position), reason: expect.stringContaining('does not follow') }),
    ]);
  });

  it('finds two reordered events at both positions', async () => {
    const a = deviceRow('d1');
    const b = deviceRow('d2');
    f.tamper('UPDATE events SET data = ? WHERE position = ?', b.data, a.position);
    f.tamper('UPDATE events SET data = ? WHERE position = ?', a.data, b.position);
    const { chainBreaks } = await checkLedgerChains(f.ledger);
    expect(chainBreaks.map((b) => b.position)).toEqual([String(a.position), String(b.position)]);
  });

  it('reports an event whose stored JSON is broken and goes on scanning', async () => {
    const row = deviceRow('d3');
    f.tamper('UPDATE events SET data = ? WHERE position = ?', row.data.slice(0, -1), row.position);
    const { chainBreaks, events } = await checkLedgerChains(f.ledger, { pageSize: 100 });
    expect(chainBreaks).toEqual([expect.objectContaining({ position: String(row.position), reason: expect.stringContaining('not valid JSON') })]);
    expect(events).toBe(rows().length - 1);
  });
});
