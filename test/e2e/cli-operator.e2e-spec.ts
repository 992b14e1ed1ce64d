import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';

const run = promisify(execFile);
const WARDEN = join(__dirname, '../../scripts/warden.mjs');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A port on 127.0.0.1 that nothing listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the warden CLI operator commands (over the HTTP API)', () => {
  let cp: RunningControlPlane;
  let admin: WardenHttp;
  let orgId: string;
  let orgKey: string;
  /** Every key the CLI was given: none may appear in its output. */
  const secrets: string[] = [];

  /** Runs `warden ...` against the control plane (stdin a pipe, not a terminal); never rejects on a non-zero exit. */
  async function warden(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<Run> {
    const childEnv = { ...process.env, WARDEN_URL: cp.url, WARDEN_ORG_KEY: orgKey, ...env };
    let result: Run;
    try {
      const { stdout, stderr } = await run(process.execPath, [WARDEN, ...args], { env: childEnv as NodeJS.ProcessEnv });
      result = { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      result = { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
    for (const secret of secrets) expect(result.stdout + result.stderr).not.toContain(secret);
    return result;
  }

  const validate = async (deviceId: string) => (await admin.post('/api/v1/devices/validate', { deviceId })).body.code as string;

  beforeAll(async () => {
    cp = await startControlPlane();
    const http = new WardenHttp(cp.url);
    const org = await createOrg(http, ADMIN_TOKEN, { planTier: 'pro' });
    orgId = org.orgId;
    orgKey = org.orgKey;
    secrets.push(orgKey);
    admin = http.withKey(orgKey);
    await admin.post('/api/v1/devices/register', { deviceId: 'd1', labels: { team: 'red' } });
    await admin.post('/api/v1/devices/register', { deviceId: 'd2', labels: { team: 'blue' } });
    await admin.post('/api/v1/devices/register', { deviceId: 'd3' });
  }, 60_000);
  afterAll(() => cp.close({ removeData: true }));

  describe('devices', () => {
    it('lists the devices as a table and as the API answer in JSON', async () => {
      const table = await warden(['devices', 'list']);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^DEVICE\s+STATUS\s+ALLOWED\s+CODE\s+LABELS/);
      expect(table.stdout).toMatch(/^d1\s+active\s+yes\s+ALLOW\s+team=red/m);
      expect(table.stdout).toContain('3 devices, 3 of 25 seats used');
      const json = await warden(['devices', 'list', '--json']);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ handler: 'devices/list', orgId, count: 3 });
    }, 120_000);

    it('revokes a device (validate then answers DEVICE_REVOKED) and restores it', async () => {
      const revoke = await warden(['devices', 'revoke', 'd1', '--reason', 'stolen laptop']);
      expect(revoke.code).toBe(0);
      expect(revoke.stdout).toContain('d1: revoked');
      expect(await validate('d1')).toBe('DEVICE_REVOKED');
      expect((await warden(['devices', 'list'])).stdout).toMatch(/^d1\s+revoked\s+no\s+DEVICE_REVOKED.*stolen laptop$/m);

      const restore = await warden(['devices', 'restore', 'd1', '--json']);
      expect(restore.code).toBe(0);
      expect(JSON.parse(restore.stdout)).toMatchObject({ handler: 'devices/unrevoke', deviceId: 'd1', result: 'restored' });
      expect(await validate('d1')).toBe('ALLOW');
    }, 60_000);

    it('removes a device (validate then answers DEVICE_NOT_REGISTERED)', async () => {
      const remove = await warden(['devices', 'remove', 'd3', '--json']);
      expect(remove.code).toBe(0);
      expect(JSON.parse(remove.stdout)).toMatchObject({ deviceId: 'd3', result: 'removed' });
      expect(await validate('d3')).toBe('DEVICE_NOT_REGISTERED');
    }, 60_000);

    it('prints the API refusal and exits 1 for an unknown device', async () => {
      const revoke = await warden(['devices', 'revoke', 'nope']);
      expect(revoke.code).toBe(1);
      expect(revoke.stderr).toMatch(/^warden: device_not_found: /m);
    }, 60_000);
  });

  describe('org', () => {
    it('shows usage as fields and as JSON', async () => {
      const table = await warden(['org', 'usage']);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^plan\s+pro$/m);
      expect(table.stdout).toMatch(/^used\s+2$/m);
      const json = JSON.parse((await warden(['org', 'usage', '--json'])).stdout);
      expect(json).toEqual((await admin.get('/api/v1/usage')).body);
    }, 60_000);

    it('refuses to suspend without --yes when stdin is not a terminal, and suspends nothing', async () => {
      const suspend = await warden(['org', 'suspend', '--reason', 'drill']);
      expect(suspend.code).toBe(2);
      expect(suspend.stderr).toContain(`Suspend org ${orgId}: refused without a terminal to ask on; pass --yes`);
      expect((await admin.get('/api/v1/usage')).body.planState).toBe('active');
      expect(await validate('d1')).toBe('ALLOW');
    }, 60_000);

    it('suspends with --yes (validate answers ORG_SUSPENDED) and resumes', async () => {
      const suspend = await warden(['org', 'suspend', '--yes', '--reason', 'drill', '--json']);
      expect(suspend.code).toBe(0);
      expect(JSON.parse(suspend.stdout)).toMatchObject({ handler: 'org/suspend', orgId, planState: 'suspended' });
      expect(await validate('d1')).toBe('ORG_SUSPENDED');
      expect((await admin.get('/api/v1/org')).body.suspendedReason).toBe('drill');

      const resume = await warden(['org', 'resume']);
      expect(resume.code).toBe(0);
      expect(resume.stdout).toContain(`org ${orgId} resumed`);
      expect(await validate('d1')).toBe('ALLOW');
    }, 60_000);
  });

  describe('locks', () => {
    it('places a lock by label (validate answers DEVICE_LOCKED), lists it and lifts it', async () => {
      const add = await warden(['locks', 'add', '--label', 'team=blue', '--reason', 'incident 42', '--json']);
      expect(add.code).toBe(0);
      const lock = JSON.parse(add.stdout);
      expect(lock).toMatchObject({ handler: 'locks', selector: { labels: { team: 'blue' } }, reason: 'incident 42', matched: 1 });
      expect(await validate('d2')).toBe('DEVICE_LOCKED');
      expect(await validate('d1')).toBe('ALLOW');

      const list = await warden(['locks', 'list']);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(new RegExp(`^${lock.lockId}\\s+-\\s+team=blue\\s+1\\s+incident 42`, 'm'));
      expect(JSON.parse((await warden(['locks', 'list', '--json'])).stdout)).toMatchObject({ count: 1, locks: [{ lockId: lock.lockId }] });

      const remove = await warden(['locks', 'remove', lock.lockId]);
      expect(remove.code).toBe(0);
      expect(remove.stdout).toContain(`lock ${lock.lockId} lifted`);
      expect(await validate('d2')).toBe('ALLOW');
    }, 60_000);

    it('places a timed lock on one device', async () => {
      const expires = new Date(Date.now() + 3_600_000).toISOString();
      const add = await warden(['locks', 'add', '--device', 'd1', '--reason', 'maintenance', '--expires', expires]);
      expect(add.code).toBe(0);
      expect(add.stdout).toMatch(/^lock \S+ placed on device d1: 1 active devices denied now, until /);
      expect(await validate('d1')).toBe('DEVICE_LOCKED');
      const { locks } = (await admin.get('/api/v1/locks')).body;
      await admin.post('/api/v1/locks/remove', { lockId: locks[0].lockId });
    }, 60_000);

    it('exits 2 without a reason or a selector, and places nothing', async () => {
      expect((await warden(['locks', 'add', '--label', 'team=red'])).code).toBe(2);
      expect((await warden(['locks', 'add', '--reason', 'everything'])).code).toBe(2);
      expect((await warden(['locks', 'add', '--label', 'noequals', '--reason', 'x'])).code).toBe(2);
      expect((await warden(['locks', 'add', '--device', 'd1', '--reason', 'x', '--expires', 'tomorrow'])).code).toBe(2);
      expect((await admin.get('/api/v1/locks')).body.count).toBe(0);
    }, 60_000);
  });

  describe('keys', () => {
    it('issues a runtime key, lists it, refuses it admin commands with forbidden_scope (exit 1), and revokes it', async () => {
      const issue = await warden(['keys', 'issue', '--json']);
      expect(issue.code).toBe(0);
      const issued = JSON.parse(issue.stdout);
      expect(issued).toMatchObject({ scope: 'runtime', key: expect.stringMatching(/^rt_/) });
      secrets.push(issued.key);

      const list = await warden(['keys', 'list']);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(new RegExp(`^${issued.keyId}\\s+runtime\\s+`, 'm'));
      expect(list.stdout).toMatch(/\sadmin\s+\S+\s+\(this key\)$/m);

      const refused = await warden(['devices', 'list'], { WARDEN_ORG_KEY: issued.key });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^warden: forbidden_scope: /m);
      expect((await warden(['org', 'suspend', '--yes', '--key', issued.key])).code).toBe(1);
      expect((await admin.get('/api/v1/usage')).body.planState).toBe('active');

      const revoke = await warden(['keys', 'revoke', issued.keyId]);
      expect(revoke.code).toBe(0);
      expect(revoke.stdout).toContain(`key ${issued.keyId} revoked`);
      expect((await admin.get('/api/v1/org/keys')).body.keys.map((k: { keyId: string }) => k.keyId)).not.toContain(issued.keyId);
      const revoked = await warden(['devices', 'list'], { WARDEN_ORG_KEY: issued.key });
      expect(revoked.code).toBe(1);
      expect(revoked.stderr).toMatch(/^warden: invalid_key: /m);
    }, 60_000);

    it('exits 2 for an unknown scope', async () => {
      expect((await warden(['keys', 'issue', '--scope', 'root'])).code).toBe(2);
    }, 60_000);
  });

  describe('configuration and reachability', () => {
    it('exits 2 without WARDEN_URL or WARDEN_ORG_KEY, or with a URL carrying credentials', async () => {
      const noUrl = await warden(['org', 'usage'], { WARDEN_URL: undefined });
      expect(noUrl.code).toBe(2);
      expect(noUrl.stderr).toContain('WARDEN_URL');
      const noKey = await warden(['org', 'usage'], { WARDEN_ORG_KEY: undefined });
      expect(noKey.code).toBe(2);
      expect(noKey.stderr).toContain('WARDEN_ORG_KEY');
      expect((await warden(['org', 'usage', '--url', cp.url.replace('http://', 'http://u:p@')])).code).toBe(2);
    }, 60_000);

    it('exits 3 when the control plane is unreachable, and --url overrides WARDEN_URL', async () => {
      const closed = `http://127.0.0.1:${await closedPort()}`;
      const unreachable = await warden(['devices', 'list'], { WARDEN_URL: closed });
      expect(unreachable.code).toBe(3);
      expect(unreachable.stderr).toContain(`warden: the control plane at ${closed} is unreachable: ECONNREFUSED`);
      expect((await warden(['org', 'usage', '--url', cp.url], { WARDEN_URL: closed })).code).toBe(0);
    }, 60_000);
  });
});
