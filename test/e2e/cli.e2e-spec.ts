import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ADMIN_TOKEN, SQLITE, startControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';

const run = promisify(execFile);
const WARDEN = join(__dirname, '../../scripts/warden.mjs');

/** Runs `warden ...` on a data dir; resolves with exit code and output (never rejects on a non-zero exit). */
async function warden(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [WARDEN, ...args], { env: { ...process.env, WARDEN_DATA_DIR: dataDir, WARDEN_LEDGER: 'sqlite' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the warden CLI (audit and compliance)', () => {
  const work = mkdtempSync(join(tmpdir(), 'warden-cli-'));
  let dataDir: string;
  let orgId: string;
  let otherOrgId: string;
  let beforeRevoke: string;
  let afterRevoke: string;

  beforeAll(async () => {
    const cp = await startControlPlane({ env: SQLITE });
    dataDir = cp.dataDir;
    const http = new WardenHttp(cp.url);
    const org = await createOrg(http, ADMIN_TOKEN, { planTier: 'pro' });
    orgId = org.orgId;
    otherOrgId = (await createOrg(http, ADMIN_TOKEN)).orgId;
    const admin = http.withKey(org.orgKey);
    for (const deviceId of ['c-1', 'c-2', 'c-3']) await admin.post('/api/v1/devices/register', { deviceId });
    await admin.post('/api/v1/devices/validate', { deviceId: 'c-1' });
    beforeRevoke = (await admin.post('/api/v1/devices/validate', { deviceId: 'c-2' })).body.position;
    afterRevoke = (await admin.post('/api/v1/devices/revoke', { deviceId: 'c-2' })).body.position;
    await admin.post('/api/v1/devices/validate', { deviceId: 'c-2' });
    await admin.post('/api/v1/org/limits', { limit: 1 });
    await admin.post('/api/v1/devices/validate', { deviceId: 'c-3' });
    await admin.post('/api/v1/devices/register', { deviceId: 'c-4' });
    await cp.close();
  }, 60_000);
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('replays the ledger with zero mismatches and zero chain breaks, and finds no invariant breach', async () => {
    const replay = await warden(dataDir, 'audit', 'replay', '--json');
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ mismatches: [], chainBreaks: [] });
    expect(JSON.parse(replay.stdout).decisions).toBeGreaterThanOrEqual(5);
    expect((await warden(dataDir, 'audit', 'invariants')).code).toBe(0);
  }, 120_000);

  it('shows state at a position before and after a revoke', async () => {
    const before = JSON.parse((await warden(dataDir, 'audit', 'state', '--org', orgId, '--at', beforeRevoke, '--json')).stdout);
    const after = JSON.parse((await warden(dataDir, 'audit', 'state', '--org', orgId, '--at', afterRevoke, '--json')).stdout);
    expect(before.devices.find((d: { deviceId: string }) => d.deviceId === 'c-2')).toMatchObject({ allowed: true, code: 'ALLOW' });
    expect(after.devices.find((d: { deviceId: string }) => d.deviceId === 'c-2')).toMatchObject({ allowed: false, code: 'DEVICE_REVOKED' });
  }, 60_000);

  it('exports an org signed, verifies it, and names the record when a byte is flipped', async () => {
    expect((await warden(dataDir, 'keygen', '--out', join(work, 'audit'))).code).toBe(0);
    const out = join(work, 'org.ndjson');
    const exported = await warden(dataDir, 'export', '--org', orgId, '--format', 'ndjson', '--out', out, '--sign', join(work, 'audit.key'));
    expect(exported.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.every((line) => !line.includes(otherOrgId))).toBe(true);
    expect((await warden(dataDir, 'verify', out, '--public-key', join(work, 'audit.pub'))).code).toBe(0);

    const tampered = lines.map((line, i) => (i === 2 ? line.replace('"c-', '"x-') : line)).join('\n') + '\n';
    writeFileSync(out, tampered);
    const verify = await warden(dataDir, 'verify', out, '--public-key', join(work, 'audit.pub'), '--json');
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: false, firstBad: { seq: 3 } });
  }, 60_000);

  it('reports a chain break when an event in the SQLite file is changed', async () => {
    const db = new Database(join(dataDir, 'ledger.sqlite'));
    // Schema version 2: event types are interned in `names`.
    const row = db
      .prepare("SELECT position, data FROM events WHERE type = (SELECT id FROM names WHERE value = 'DeviceRevoked') LIMIT 1")
      .get() as { position: bigint | number; data: string };
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(row.data.replace('c-2', 'c-9'), row.position);
    db.close();
    const replay = await warden(dataDir, 'audit', 'replay', '--json');
    expect(replay.code).toBe(1);
    expect(JSON.parse(replay.stdout).chainBreaks[0]).toMatchObject({ position: String(row.position) });
  }, 60_000);

  it('exits 2 on bad arguments', async () => {
    expect((await warden(dataDir, 'audit', 'state', '--org', orgId, '--at', 'yesterday-ish')).code).toBe(2);
    expect((await warden(dataDir, 'export', '--org', orgId, '--format', 'xml', '--out', join(work, 'x'))).code).toBe(2);
  }, 60_000);
});
