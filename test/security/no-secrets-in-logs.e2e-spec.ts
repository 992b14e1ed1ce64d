import { RPC_REGISTER_SUBJECT, RPC_VALIDATE_SUBJECT } from '@warden/broadcast';
import { NatsServerProcess } from '@warden/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { spawnControlPlane, type ControlPlaneProcess } from '../support/control-plane.process';
import { createOrg, WardenHttp } from '../support/http-client';
import { SseReader } from '../support/sse-reader';

jest.setTimeout(240_000);

const RATE_LIMIT = 3;

/**
 * Runs the real control plane (`npm start`'s script, its real pino output at `trace`, stdout
 * and stderr) through a full flow with every kind of secret on the wire, then looks for those
 * secrets in every line it printed. The one line allowed to hold one is the banner of the
 * first start that generated the admin token (by design: printed once, README says so).
 */
describe('no key or token in a log line', () => {
  let nats: NatsServerProcess;
  let dataDir: string;
  const natsPassword = `nats-pw-${randomBytes(12).toString('hex')}`;
  const secrets = new Map<string, string>();
  let firstRun: string[] = [];
  let secondRun: string[] = [];
  let adminToken = '';

  function secret(name: string, value: string): string {
    secrets.set(name, value);
    return value;
  }

  async function stopped(cp: ControlPlaneProcess | undefined): Promise<string[]> {
    if (!cp) return [];
    expect(await cp.stop()).toBe(0);
    return [...cp.output];
  }

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    dataDir = mkdtempSync(join(tmpdir(), 'warden-logscan-'));
    // Credentials in NATS_URL are a secret too (nats-server without auth accepts and ignores them).
    const natsUrl = nats.url.replace('nats://', `nats://warden:${secret('NATS password', natsPassword)}@`);
    const env = { WARDEN_DATA_DIR: dataDir, WARDEN_LEDGER: 'sqlite', WARDEN_LOG_LEVEL: 'trace', NATS_URL: natsUrl, WARDEN_ADMIN_TOKEN: '', WARDEN_REGISTER_RATE_LIMIT: String(RATE_LIMIT) };

    let cp: ControlPlaneProcess | undefined;
    try {
      cp = await spawnControlPlane(env);
      adminToken = secret('admin token', readFileSync(join(dataDir, 'admin-token'), 'utf8').trim());
      await cp.waitForOutput(/answering validate\/register over NATS/);
      await fullFlow(cp.url, natsUrl);
    } finally {
      firstRun = await stopped(cp);
    }
    let again: ControlPlaneProcess | undefined;
    try {
      again = await spawnControlPlane(env);
      const created = await new WardenHttp(again.url).withAdminToken(adminToken).post('/api/v1/org/create', {});
      expect(created.status).toBe(200);
      secret('org key of the second run', created.body.orgApiKey as string);
    } finally {
      secondRun = await stopped(again);
    }
  });

  afterAll(async () => {
    await nats?.dispose();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Every kind of request that carries a key or token, right and wrong, on HTTP, SSE and NATS. */
  async function fullFlow(url: string, natsUrl: string): Promise<void> {
    const http = new WardenHttp(url);
    const statuses: number[] = [];
    const call = async (response: Promise<{ status: number; body: any }>) => {
      const answer = await response;
      statuses.push(answer.status);
      return answer;
    };

    await call(http.post('/api/v1/org/create', {}));
    await call(http.withAdminToken(secret('wrong admin token', `wrong-${randomBytes(16).toString('hex')}`)).post('/api/v1/org/create', {}));
    const created = await createOrg(http, adminToken, { name: 'logscan', planTier: 'pro' });
    const org = http.withKey(secret('org key', created.orgKey));
    await createOrg(http, adminToken, { name: 'other' }).then((other) => secret('other org key', other.orgKey));

    const issued = await call(org.post('/api/v1/org/keys', { scope: 'runtime' }));
    const runtime = http.withKey(secret('runtime key', issued.body.key as string));
    await call(runtime.post('/api/v1/devices/register', { deviceId: 'scan-1' }));
    await call(runtime.post('/api/v1/devices/validate', { deviceId: 'scan-1' }));
    await call(runtime.get('/api/v1/devices/validate?deviceId=scan-1'));
    for (let i = 0; i < RATE_LIMIT; i++) await call(runtime.post('/api/v1/devices/register', { deviceId: `scan-rl-${i}` }));

    // Wrong keys: unknown org and runtime keys, an over-long one, a runtime key on an admin route.
    await call(http.withKey(secret('unknown org key', `org_${randomBytes(24).toString('base64url')}`)).post('/api/v1/devices/validate', { deviceId: 'scan-1' }));
    await call(http.withKey(secret('unknown runtime key', `rt_${randomBytes(24).toString('base64url')}`)).post('/api/v1/devices/register', { deviceId: 'x' }));
    await call(http.withKey(secret('over-long key', `org_${'k'.repeat(300)}${randomBytes(8).toString('hex')}`)).get('/api/v1/devices/list'));
    await call(runtime.post('/api/v1/devices/revoke', { deviceId: 'scan-1' }));
    await call(org.post('/api/v1/devices/validate', '{"deviceId":', { 'content-type': 'application/json' }));
    await call(org.post('/api/v1/devices/validate', { deviceId: 'no spaces allowed' }));

    // Operator commands.
    await call(org.post('/api/v1/devices/revoke', { deviceId: 'scan-1', reason: 'log scan' }));
    await call(org.post('/api/v1/devices/unrevoke', { deviceId: 'scan-1' }));
    await call(org.post('/api/v1/org/suspend', { reason: 'log scan' }));
    await call(org.post('/api/v1/org/resume'));
    await call(org.post('/api/v1/org/limits', { limit: 30 }));
    await call(org.get('/api/v1/devices/list'));
    await call(org.get('/api/v1/devices/history?deviceId=scan-1'));
    await call(org.get('/api/v1/audit/decisions?deviceId=scan-1'));

    // SSE, with a good and a bad key.
    const watch = await SseReader.open(`${url}/api/v1/devices/watch?deviceId=scan-1`, { 'x-org-key': secrets.get('runtime key')! });
    await watch.nextJson('permission');
    watch.close();
    const badWatch = await SseReader.open(`${url}/api/v1/devices/watch?deviceId=scan-1`, { 'x-org-key': secrets.get('unknown runtime key')! });
    statuses.push(badWatch.status);
    badWatch.close();

    // NATS request/reply: keys travel in the payload.
    const nc = await connect({ servers: natsUrl });
    try {
      const ask = async (subject: string, payload: string) => JSON.parse(Buffer.from((await nc.request(subject, Buffer.from(payload), { timeout: 5000 })).data).toString('utf8'));
      const runtimeKey = secrets.get('runtime key')!;
      // The runtime key used its allowance over HTTP above: NATS shares it.
      expect((await ask(RPC_REGISTER_SUBJECT, JSON.stringify({ key: runtimeKey, deviceId: 'scan-nats' }))).error).toBe('rate_limited');
      expect((await ask(RPC_REGISTER_SUBJECT, JSON.stringify({ key: secrets.get('org key'), deviceId: 'scan-nats' }))).status).toBe('ok');
      expect((await ask(RPC_VALIDATE_SUBJECT, JSON.stringify({ key: runtimeKey, deviceId: 'scan-nats' }))).code).toBe('ALLOW');
      expect((await ask(RPC_VALIDATE_SUBJECT, JSON.stringify({ key: secrets.get('unknown org key'), deviceId: 'scan-nats' }))).error).toBe('invalid_key');
      expect((await ask(RPC_VALIDATE_SUBJECT, `{"key":"${runtimeKey}","deviceId":`)).error).toBe('invalid_json');
      expect((await ask(RPC_VALIDATE_SUBJECT, JSON.stringify({ key: runtimeKey, deviceId: 'scan-nats', extra: true }))).error).toBe('invalid_request');
    } finally {
      await nc.close();
    }

    // Key rotation: a new admin key replaces the first, a new runtime key replaces the old one.
    const newAdmin = await call(org.post('/api/v1/org/keys', { scope: 'admin' }));
    const rotatedOrg = http.withKey(secret('rotated org key', newAdmin.body.key as string));
    await call(rotatedOrg.post('/api/v1/org/keys/revoke', { keyId: created.keyId }));
    const newRuntime = await call(rotatedOrg.post('/api/v1/org/keys', { scope: 'runtime' }));
    secret('rotated runtime key', newRuntime.body.key as string);
    await call(rotatedOrg.post('/api/v1/org/keys/revoke', { keyId: issued.body.keyId }));
    await call(runtime.post('/api/v1/devices/validate', { deviceId: 'scan-1' }));
    await call(org.get('/api/v1/devices/list'));
    await call(http.withKey(newRuntime.body.key as string).post('/api/v1/devices/validate', { deviceId: 'scan-1' }));

    // The flow did reach every kind of answer it means to test.
    expect(new Set(statuses)).toEqual(new Set([200, 400, 401, 403, 429]));
  }

  it('printed the generated admin token exactly once: in the first start banner, nowhere else', () => {
    const banner = firstRun.findIndex((line) => line.includes('generated the admin token'));
    expect(banner).toBeGreaterThanOrEqual(0);
    const holding = firstRun.filter((line) => line.includes(adminToken));
    expect(holding).toEqual([`  ${adminToken}`]);
    expect(firstRun.indexOf(`  ${adminToken}`)).toBeGreaterThan(banner);
    expect(secondRun.filter((line) => line.includes(adminToken) || line.includes('generated the admin token'))).toEqual([]);
  });

  it('logged the run at trace level as JSON lines (the scan looked at real log output)', () => {
    const logLines = [...firstRun, ...secondRun].filter((line) => line.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(20);
    const messages = logLines.map((line) => JSON.parse(line) as { msg?: string });
    expect(messages.some((entry) => entry.msg === 'pushing permission changes to NATS JetStream')).toBe(true);
    expect(messages.some((entry) => entry.msg === 'shutting down')).toBe(true);
  });

  it('holds no key, token or credential in any other line (nor the random part of a key)', () => {
    const lines = [...firstRun.filter((line) => line !== `  ${adminToken}`), ...secondRun];
    const leaks: string[] = [];
    for (const [name, value] of secrets) {
      const needles = [value, value.replace(/^(org_|rt_)/, '')];
      for (const line of lines) if (needles.some((needle) => line.includes(needle))) leaks.push(`${name}: ${line}`);
    }
    expect(leaks).toEqual([]);
    expect(lines.filter((line) => /bearer\s|x-org-key"?\s*[:=]\s*"?(org|rt)_/i.test(line))).toEqual([]);
  });
});
