import Database from 'better-sqlite3';
import { decisionsStream, type NewEvent, orgStream, SqliteEventLedger } from '@warden/ledger';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupLedger, type BackupProgress } from './ledger-backup';

const decision = (i: number): NewEvent => ({
  eventId: `dec-${i}`,
  type: 'PermissionDecided',
  data: { decisionId: `dec-${i}`, orgId: 'o1', deviceId: `d${i % 7}`, action: 'validate', allowed: true, code: 'ALLOW', orgRevision: 0, decidedAt: '2030-01-01T00:00:00.000Z' },
  metadata: { actor: 'test', correlationId: `dec-${i}` },
});

const registered = (deviceId: string, note: string): NewEvent => ({
  eventId: `reg-${deviceId}`,
  type: 'DeviceRegistered',
  data: { orgId: 'o1', at: '2030-01-01T00:00:00.000Z', deviceId, labels: { note } },
  metadata: { actor: 'test', correlationId: `reg-${deviceId}` },
});

async function eventIds(path: string): Promise<string[]> {
  const ledger = await SqliteEventLedger.open({ path });
  try {
    return (await ledger.readAll({ limit: 1_000_000 })).map((event) => event.eventId);
  } finally {
    await ledger.close();
  }
}

describe('backupLedger', () => {
  let dir: string;
  let ledgerPath: string;
  let out: string;
  let live: SqliteEventLedger;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warden-backup-'));
    ledgerPath = join(dir, 'ledger.sqlite');
    out = join(dir, 'backup.sqlite');
    live = await SqliteEventLedger.open({ path: ledgerPath });
    await live.append(orgStream('o1'), [registered('d0', 'first')], { expectedRevision: 'any' });
    await live.append(decisionsStream('n1'), Array.from({ length: 3000 }, (_, i) => decision(i)), { expectedRevision: 'any' });
  });
  afterEach(async () => {
    await live.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when another connection writes between every step of the copy', () => {
    it('finishes, and the copy is the ledger as it was when the copy began, verified', async () => {
      const before = await eventIds(ledgerPath);
      let written = 0;
      const phases = new Set<string>();
      const onProgress = (progress: BackupProgress): void => {
        phases.add(progress.phase);
        // SQLite appends are synchronous: this commit lands between two steps of the copy.
        // Bounded, so that a copy that restarts on every commit still ends (and then fails below).
        if (progress.phase === 'copy' && progress.done < progress.total && written < 1000) void live.append(decisionsStream('n1'), [decision(10_000 + written++)], { expectedRevision: 'any' });
      };
      const report = await backupLedger({ ledgerPath, out, onProgress, pagesPerStep: 4 });
      expect(written).toBeGreaterThan(10);
      expect(phases).toEqual(new Set(['copy', 'verify']));
      expect(report).toMatchObject({ ok: true, events: before.length, chainBreaks: [], headPosition: String(before.length) });
      expect(await eventIds(out)).toEqual(before);
      expect((await eventIds(ledgerPath)).length).toBe(before.length + written);
    });
  });

  it('reports the size and sha256 of the file it wrote, and leaves no partial file behind', async () => {
    const report = await backupLedger({ ledgerPath, out });
    const bytes = readFileSync(out);
    expect(report.bytes).toBe(bytes.length);
    expect(report.sha256).toBe(require('node:crypto').createHash('sha256').update(bytes).digest('hex'));
    expect(existsSync(`${out}-wal`)).toBe(false);
    expect(require('node:fs').readdirSync(dir).filter((name: string) => name.includes('partial'))).toEqual([]);
  });

  describe('when the file at --out exists', () => {
    it('refuses without force and leaves it untouched', async () => {
      writeFileSync(out, 'keep me');
      await expect(backupLedger({ ledgerPath, out })).rejects.toMatchObject({ kind: 'invalid', code: 'backup_target_exists' });
      expect(readFileSync(out, 'utf8')).toBe('keep me');
    });

    it('replaces it with force', async () => {
      writeFileSync(out, 'old');
      expect((await backupLedger({ ledgerPath, out, force: true })).ok).toBe(true);
      expect((await eventIds(out)).length).toBe(3001);
    });
  });

  it('refuses to write over the ledger itself, even with force', async () => {
    for (const target of [ledgerPath, `${ledgerPath}-wal`]) {
      await expect(backupLedger({ ledgerPath, out: target, force: true })).rejects.toMatchObject({ code: 'backup_target_is_ledger' });
    }
  });

  describe('when the source is not a ledger', () => {
    it.each([
      ['a file that is not a SQLite database', (path: string) => writeFileSync(path, 'x'.repeat(8192))],
      ['a SQLite database no ledger was written to', (path: string) => new Database(path).exec('CREATE TABLE notes (text TEXT)').close()],
    ])('fails with not_a_ledger for %s and writes nothing', async (_case, make) => {
      const other = join(dir, 'other.sqlite');
      make(other);
      await expect(backupLedger({ ledgerPath: other, out })).rejects.toMatchObject({ kind: 'invalid', code: 'not_a_ledger' });
      expect(existsSync(out)).toBe(false);
    });

    it('fails with ledger_missing when there is no file', async () => {
      await expect(backupLedger({ ledgerPath: join(dir, 'none.sqlite'), out })).rejects.toMatchObject({ kind: 'invalid', code: 'ledger_missing' });
      expect(existsSync(join(dir, 'none.sqlite'))).toBe(false);
    });
  });

  describe('when a stored event was altered', () => {
    it('reports the chain break, ok false, and writes nothing at --out', async () => {
      await live.append(orgStream('o1'), [registered('d1', 'tamper-me-4711')], { expectedRevision: 'any' });
      await live.close();
      // Flip a byte of the stored label, whatever the file format: the hash no longer matches.
      const file = readFileSync(ledgerPath);
      const at = file.indexOf('tamper-me-4711');
      expect(at).toBeGreaterThan(0);
      file.write('tamper-me-4712', at);
      writeFileSync(ledgerPath, file);
      live = await SqliteEventLedger.open({ path: ledgerPath });

      const report = await backupLedger({ ledgerPath, out });
      expect(report.ok).toBe(false);
      expect(report.chainBreaks).toEqual([expect.objectContaining({ streamId: orgStream('o1'), revision: '1' })]);
      expect(existsSync(out)).toBe(false);
    });
  });
});
