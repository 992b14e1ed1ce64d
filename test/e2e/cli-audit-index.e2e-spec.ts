import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defaultAuditIndexPath } from '@warden/audit';
import { AuditIndexService } from '../../apps/control-plane/src/lifecycle/audit-index.service';
import { ADMIN_TOKEN, SQLITE, startControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';

const run = promisify(execFile);
const WARDEN = join(__dirname, '../../scripts/warden.mjs');

/** Runs `warden ...` on a data dir; resolves with exit code and output (never rejects on a non-zero exit). */
async function warden(dataDir: string, env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [WARDEN, ...args], { env: { ...process.env, WARDEN_DATA_DIR: dataDir, WARDEN_LEDGER: 'sqlite', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the warden CLI and the audit index', () => {
  const work = mkdtempSync(join(tmpdir(), 'warden-cli-index-'));
  let dataDir: string;
  let orgId: string;
  let lastDecision: string;
  /** The node's index, found by the CLI through the node id the control plane kept in the data dir. */
  let indexPath: string;
  const OFF = { WARDEN_DECISION_INDEX_PATH: 'off' };

  beforeAll(async () => {
    const cp = await startControlPlane({ env: SQLITE });
    dataDir = cp.dataDir;
    indexPath = defaultAuditIndexPath(dataDir, readFileSync(join(dataDir, 'node-id'), 'utf8').trim());
    const http = new WardenHttp(cp.url);
    const org = await createOrg(http, ADMIN_TOKEN);
    orgId = org.orgId;
    const other = http.withKey((await createOrg(http, ADMIN_TOKEN)).orgKey);
    const admin = http.withKey(org.orgKey);
    await admin.post('/api/v1/devices/register', { deviceId: 'i-1' });
    await other.post('/api/v1/devices/register', { deviceId: 'i-1' });
    for (let i = 0; i < 4; i++) {
      await admin.post('/api/v1/devices/validate', { deviceId: 'i-1' });
      await other.post('/api/v1/devices/validate', { deviceId: 'i-1' });
    }
    await admin.post('/api/v1/devices/revoke', { deviceId: 'i-1' });
    await admin.post('/api/v1/devices/validate', { deviceId: 'i-1' });
    lastDecision = (await cp.decisions()).at(-1)!.position.toString();
    await cp.app.get(AuditIndexService).reached(BigInt(lastDecision));
    await cp.close();
  }, 60_000);
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it("finds the node's index through the data dir's node id, at the last decision", async () => {
    const status = await warden(dataDir, {}, 'index', 'status', '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ path: indexPath, checkpoint: lastDecision, usable: true });
  }, 120_000);

  it('answers history and export the same with the index and without it', async () => {
    const history = await warden(dataDir, {}, 'audit', 'history', '--org', orgId, '--device', 'i-1', '--json');
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout).filter((e: { type: string }) => e.type === 'PermissionDecided')).toHaveLength(5);
    expect(history.stdout).toBe((await warden(dataDir, OFF, 'audit', 'history', '--org', orgId, '--device', 'i-1', '--json')).stdout);
    expect((await warden(dataDir, {}, 'export', '--org', orgId, '--out', join(work, 'indexed.ndjson'))).code).toBe(0);
    expect((await warden(dataDir, OFF, 'export', '--org', orgId, '--out', join(work, 'scanned.ndjson'))).code).toBe(0);
    expect(readFileSync(join(work, 'indexed.ndjson'), 'utf8')).toBe(readFileSync(join(work, 'scanned.ndjson'), 'utf8'));
  }, 120_000);

  it('reports a garbage index as unusable, still answers by scanning, and rebuilds it', async () => {
    const expected = (await warden(dataDir, OFF, 'audit', 'history', '--org', orgId, '--device', 'i-1', '--json')).stdout;
    writeFileSync(indexPath, Buffer.alloc(8192, 3));
    const status = await warden(dataDir, {}, 'index', 'status');
    expect([status.code, status.stdout]).toEqual([1, expect.stringContaining('not usable')]);
    expect((await warden(dataDir, {}, 'audit', 'history', '--org', orgId, '--device', 'i-1', '--json')).stdout).toBe(expected);
    const rebuilt = await warden(dataDir, {}, 'index', 'rebuild');
    expect([rebuilt.code, rebuilt.stdout]).toEqual([0, expect.stringMatching(/decision records taken in/)]);
    expect(JSON.parse((await warden(dataDir, {}, 'index', 'status', '--json')).stdout)).toMatchObject({ checkpoint: lastDecision, usable: true });
    expect((await warden(dataDir, {}, 'audit', 'history', '--org', orgId, '--device', 'i-1', '--json')).stdout).toBe(expected);
  }, 120_000);
});
