import Database from 'better-sqlite3';
import { decisionsStream, SqliteEventLedger, sqliteLedgerPath } from '@warden/ledger';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { seedDecisions } from '../support/audit-ledger.seed';
import { ADMIN_TOKEN, SQLITE, startControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';

const run = promisify(execFile);
const WARDEN = join(__dirname, '../../scripts/warden.mjs');

/** Runs `warden ...` on a data dir; resolves with exit code and output (never rejects on a non-zero exit). */
async function warden(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return wardenWith({ WARDEN_DATA_DIR: dataDir, WARDEN_LEDGER: 'sqlite' }, ...args);
}

async function wardenWith(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [WARDEN, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The event ids of one stream of a ledger file, read through the adapter (whatever its format). */
async function streamEventIds(path: string, streamId: string): Promise<Set<string>> {
  const ledger = await SqliteEventLedger.open({ path });
  try {
    return new Set((await ledger.readStream(streamId)).map((event) => event.eventId));
  } finally {
    await ledger.close();
  }
}

describe('warden backup', () => {
  const work = mkdtempSync(join(tmpdir(), 'warden-backup-e2e-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  beforeAll(async () => {
    // Builds the CLI once (scripts/warden.mjs builds when sources changed), outside any timed part.
    expect((await warden(work, '--version')).code).toBe(0);
  }, 300_000);

  describe('while the control plane serves validations', () => {
    it('copies a consistent ledger that verifies, holds every decision acknowledged before it began, and opens as a ledger', async () => {
      const cp = await startControlPlane({ env: SQLITE });
      const http = new WardenHttp(cp.url);
      const { orgId, orgKey } = await createOrg(http, ADMIN_TOKEN, { planTier: 'pro' });
      const org = http.withKey(orgKey);
      const nodeId = (await http.get('/health')).body.nodeId as string;
      for (const deviceId of ['w-1', 'w-2', 'w-3']) await org.post('/api/v1/devices/register', { deviceId });
      await org.post('/api/v1/devices/revoke', { deviceId: 'w-3' });
      // Tens of MB of decisions, so that the copy takes many steps while the writers go on.
      await seedDecisions(cp.ledger, orgId, { count: 60_000, devices: 50 });

      type Ack = { id: string; allowed: boolean; code: string; status: number };
      const acks: Ack[] = [];
      let phase: 'before' | 'during' | 'after' = 'before';
      const byPhase = { before: [] as Ack[], during: [] as Ack[], after: [] as Ack[] };
      let writing = true;
      const writer = async (deviceId: string): Promise<void> => {
        while (writing) {
          const response = await org.post('/api/v1/devices/validate', { deviceId });
          const ack = { id: response.body.request_id as string, allowed: response.body.allowed as boolean, code: response.body.code as string, status: response.status };
          acks.push(ack);
          byPhase[phase].push(ack);
        }
      };
      const writers = [writer('w-1'), writer('w-2'), writer('w-1'), writer('w-3')];
      try {
        while (byPhase.before.length < 200) await new Promise((resolve) => setImmediate(resolve));
        const out = join(work, 'under-load.sqlite');
        phase = 'during';
        const backup = await warden(cp.dataDir, 'backup', '--out', out, '--json');
        phase = 'after';
        while (byPhase.after.length < 20) await new Promise((resolve) => setImmediate(resolve));
        writing = false;
        await Promise.all(writers);

        expect(backup.stderr).toBe('');
        expect(backup.code).toBe(0);
        const report = JSON.parse(backup.stdout);
        expect(report).toMatchObject({ ok: true, chainBreaks: [] });
        expect(report.events).toBeGreaterThan(60_000);
        // Serving went on during the backup, and never failed closed because of it.
        expect(byPhase.during.length).toBeGreaterThan(20);
        expect(acks.filter((ack) => ack.status !== 200 || ack.code === 'LEDGER_UNAVAILABLE')).toEqual([]);
        expect(new Set(acks.map((ack) => ack.code))).toEqual(new Set(['ALLOW', 'DEVICE_REVOKED']));

        const copied = await streamEventIds(out, decisionsStream(nodeId));
        expect(byPhase.before.filter((ack) => !copied.has(ack.id))).toEqual([]);
        // One snapshot taken during the run: later acknowledgements are not in it.
        expect(byPhase.after.filter((ack) => copied.has(ack.id))).toEqual([]);

        // Restored into a data dir of its own, the copy serves the same state.
        const restoredDir = join(work, 'opened');
        mkdirSync(restoredDir);
        writeFileSync(sqliteLedgerPath(restoredDir), readFileSync(out));
        const reopened = await startControlPlane({ dataDir: restoredDir, env: SQLITE });
        try {
          const again = new WardenHttp(reopened.url).withKey(orgKey);
          expect((await again.post('/api/v1/devices/validate', { deviceId: 'w-1' })).body).toMatchObject({ allowed: true, code: 'ALLOW' });
          expect((await again.post('/api/v1/devices/validate', { deviceId: 'w-3' })).body).toMatchObject({ allowed: false, code: 'DEVICE_REVOKED' });
        } finally {
          await reopened.close({ removeData: true });
        }
      } finally {
        writing = false;
        await Promise.all(writers);
        await cp.close({ removeData: true });
      }
    }, 240_000);
  });

  describe('refusals', () => {
    let dataDir: string;
    beforeAll(async () => {
      const cp = await startControlPlane({ env: SQLITE });
      await createOrg(new WardenHttp(cp.url), ADMIN_TOKEN);
      dataDir = cp.dataDir;
      await cp.close();
    }, 60_000);
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('refuses to replace an existing file without --force (exit 2), and replaces it with --force', async () => {
      const out = join(work, 'exists.sqlite');
      writeFileSync(out, 'precious');
      const refused = await warden(dataDir, 'backup', '--out', out);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('--force');
      expect(readFileSync(out, 'utf8')).toBe('precious');

      const forced = await warden(dataDir, 'backup', '--out', out, '--force');
      expect(forced.code).toBe(0);
      expect(forced.stdout).toMatch(/^backed up \d+ events/);
      expect(readFileSync(out).subarray(0, 15).toString()).toBe('SQLite format 3');
    }, 60_000);

    it.each([
      ['a file that is not a database', (path: string) => writeFileSync(path, 'not a ledger at all '.repeat(500))],
      ['a SQLite database of something else', (path: string) => new Database(path).exec('CREATE TABLE notes (text TEXT)').close()],
    ])('fails clearly on %s (exit 2) and writes nothing', async (_case, make) => {
      const otherDir = mkdtempSync(join(work, 'not-a-ledger-'));
      make(sqliteLedgerPath(otherDir));
      const out = join(work, 'never.sqlite');
      const failed = await warden(otherDir, 'backup', '--out', out);
      expect(failed.code).toBe(2);
      expect(failed.stderr).toContain('is not a warden ledger');
      expect(existsSync(out)).toBe(false);
    }, 60_000);

    it('says it is for the SQLite ledger when WARDEN_LEDGER is eventstoredb (exit 2)', async () => {
      const env = { WARDEN_DATA_DIR: dataDir, WARDEN_LEDGER: 'eventstoredb', EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false' };
      const refused = await wardenWith(env, 'backup', '--out', join(work, 'esdb.sqlite'));
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain("server's own backup");
    }, 60_000);
  });

  describe('restore: stop, replace the file, start', () => {
    it('serves the state of the backup, ignores the newer projection snapshot, and goes on writing verifiable chains', async () => {
      const first = await startControlPlane({ env: SQLITE });
      const dataDir = first.dataDir;
      const http = new WardenHttp(first.url);
      const { orgKey } = await createOrg(http, ADMIN_TOKEN, { planTier: 'pro' });
      const org = http.withKey(orgKey);
      const nodeId = (await http.get('/health')).body.nodeId as string;
      for (const deviceId of ['a', 'b', 'c']) await org.post('/api/v1/devices/register', { deviceId });
      await org.post('/api/v1/devices/revoke', { deviceId: 'b' });
      const atBackup = (await org.get('/api/v1/devices/list')).body;
      const out = join(work, 'before-restore.sqlite');
      expect((await warden(dataDir, 'backup', '--out', out)).code).toBe(0);
      // Written after the backup: lost by the restore.
      await org.post('/api/v1/devices/revoke', { deviceId: 'a' });
      expect((await org.post('/api/v1/devices/register', { deviceId: 'd' })).body.status).toBe('ok');
      expect((await org.get('/api/v1/devices/list')).body).not.toEqual(atBackup);
      await first.close();
      expect(existsSync(join(dataDir, `projection-${nodeId}.snapshot`))).toBe(true);

      const ledgerFile = sqliteLedgerPath(dataDir);
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${ledgerFile}${suffix}`, { force: true });
      copyFileSync(out, ledgerFile);

      const lines: { msg: string; reason?: string }[] = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
      const second = await startControlPlane({ dataDir, env: SQLITE, logger });
      try {
        expect(lines.find((line) => line.msg.startsWith('projection snapshot not used'))?.reason).toContain('ends at position');
        expect(lines.map((line) => line.msg)).not.toContain('projection restored from its snapshot');
        const again = new WardenHttp(second.url).withKey(orgKey);
        expect((await again.get('/api/v1/devices/list')).body).toEqual(atBackup);
        expect((await again.post('/api/v1/devices/validate', { deviceId: 'a' })).body.code).toBe('ALLOW');
        expect((await again.post('/api/v1/devices/validate', { deviceId: 'b' })).body.code).toBe('DEVICE_REVOKED');
        expect((await again.post('/api/v1/devices/validate', { deviceId: 'd' })).body.code).toBe('DEVICE_NOT_REGISTERED');
        expect((await again.post('/api/v1/devices/register', { deviceId: 'e' })).body.status).toBe('ok');
        expect((await again.post('/api/v1/devices/validate', { deviceId: 'e' })).body.code).toBe('ALLOW');
      } finally {
        await second.close();
      }
      const replay = await warden(dataDir, 'audit', 'replay', '--json');
      expect(replay.code).toBe(0);
      expect(JSON.parse(replay.stdout)).toMatchObject({ mismatches: [], chainBreaks: [] });
      rmSync(dataDir, { recursive: true, force: true });
    }, 120_000);
  });
});
