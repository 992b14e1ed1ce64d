import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventLedger } from './sqlite-event-ledger';
import { SqliteWalCheckpointer } from './sqlite-wal-checkpointer';

/** Polls `condition` every few ms until it holds; fails after `ms` (a worker thread gives no other signal here). */
async function eventually(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('SqliteWalCheckpointer', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'warden-ckpt-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('copies committed WAL pages into the database file from its worker, with the writer not checkpointing', async () => {
    const path = join(dir, 'ledger.sqlite');
    const ledger = await SqliteEventLedger.open({ path, checkpointIntervalMs: 10 });
    const reader = new BetterSqlite3(path, { readonly: true });
    try {
      const before = statSync(path).size;
      for (let i = 0; i < 20; i++) {
        const events = Array.from({ length: 50 }, (_, j) => ({ eventId: `e${i}-${j}`, type: 'T', data: { i, j, pad: 'x'.repeat(200) }, metadata: { actor: 'a', correlationId: 'c' } }));
        await ledger.append('decisions-n1', events, { expectedRevision: 'any' });
      }
      await eventually(() => statSync(path).size > before + 100_000);
      expect(reader.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 1000 });
    } finally {
      reader.close();
      await ledger.close();
    }
  });

  it('hands checkpoints back to the writing connection when its worker cannot run', async () => {
    const db = new BetterSqlite3(join(dir, 'plain.sqlite'));
    db.pragma('journal_mode = WAL');
    try {
      const checkpointer = SqliteWalCheckpointer.start(db, join(dir, 'plain.sqlite'), 10, 'no-such-sqlite-driver');
      expect(await checkpointer.started).toBe(false);
      expect(checkpointer.running).toBe(false);
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    } finally {
      db.close();
    }
  });

  it('turns the writing connection\'s own checkpoints off while its worker runs, and back on when stopped', async () => {
    const db = new BetterSqlite3(join(dir, 'plain.sqlite'));
    db.pragma('journal_mode = WAL');
    try {
      const checkpointer = SqliteWalCheckpointer.start(db, join(dir, 'plain.sqlite'), 10);
      expect(await checkpointer.started).toBe(true);
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      expect(checkpointer.running).toBe(true);
      await checkpointer.stop();
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    } finally {
      db.close();
    }
  });
});
