import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventLedger } from '@warden/ledger';
import { checkLedgerChains } from './ledger-scan';
import { replayLedger } from './replay';

/** A ledger written by the code before compact records (libs/ledger/src/sqlite/fixtures). */
const FIXTURE = join(__dirname, '../../ledger/src/sqlite/fixtures/ledger-v1.sqlite');

describe('replay of a ledger file written in schema version 1', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'warden-replay-v1-'));
    path = join(dir, 'ledger.sqlite');
    copyFileSync(FIXTURE, path);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('re-decides every recorded decision and finds every chain intact', async () => {
    const ledger = await SqliteEventLedger.open({ path });
    try {
      const report = await replayLedger(ledger);
      expect(report).toMatchObject({ orgs: 1, decisions: 20, mismatches: [], chainBreaks: [], malformed: [] });
    } finally {
      await ledger.close();
    }
  });

  it('names the one altered decision record', async () => {
    const db = new Database(path);
    const row = db.prepare(`SELECT position, data FROM events WHERE stream_id = 'decisions-node-a' AND revision = 2`).get() as { position: number; data: string };
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(row.data.replace('"allowed":false', '"allowed":true'), row.position);
    db.close();
    const ledger = await SqliteEventLedger.open({ path });
    try {
      const { chainBreaks } = await checkLedgerChains(ledger);
      expect(chainBreaks).toEqual([expect.objectContaining({ streamId: 'decisions-node-a', revision: '2', position: String(row.position) })]);
    } finally {
      await ledger.close();
    }
  });
});
