import { RPC_HEARTBEAT_SUBJECT, RPC_REGISTER_SUBJECT, RPC_VALIDATE_SUBJECT } from '@warden/broadcast';
import { ConsistencyWaits } from '@warden/enforcement';
import { NatsServerProcess } from '@warden/testing';
import { connect, type NatsConnection } from 'nats';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../../support/control-plane.harness';
import { createOrg, WardenHttp } from '../../support/http-client';
import { natsReady } from '../../support/nats-ready';
import { eventually } from '../../support/eventually';

/** How long a consistency token may be waited for here: a token beyond the head answers after it. */
const WAIT_MS = 1500;

describe('NATS request/reply', () => {
  let nats: NatsServerProcess;
  let cp: RunningControlPlane;
  let nc: NatsConnection;
  let orgKey: string;

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    cp = await startControlPlane({ env: { NATS_URL: nats.url, WARDEN_CONSISTENCY_WAIT_MS: String(WAIT_MS) } });
    await natsReady(cp.app);
    nc = await connect({ servers: nats.url });
    orgKey = (await createOrg(new WardenHttp(cp.url), ADMIN_TOKEN)).orgKey;
  });
  afterAll(async () => {
    await nc.close();
    await cp.close({ removeData: true });
    await nats.dispose();
  });

  async function request(subject: string, payload: unknown): Promise<any> {
    const reply = await nc.request(subject, Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)), { timeout: 5000 });
    return JSON.parse(Buffer.from(reply.data).toString('utf8'));
  }

  it('registers and validates over NATS, and the decision is on the record', async () => {
    expect(await request(RPC_REGISTER_SUBJECT, { key: orgKey, deviceId: 'n-1' })).toMatchObject({ status: 'ok', deviceId: 'n-1' });
    const answer = await request(RPC_VALIDATE_SUBJECT, { key: orgKey, deviceId: 'n-1' });
    expect(answer).toMatchObject({ allowed: true, code: 'ALLOW', deviceId: 'n-1', request_id: expect.any(String) });
    const records = await cp.decisions();
    expect(records.map((event) => event.eventId)).toContain(answer.request_id);
  });

  it('denies a revoked device over NATS, as over HTTP', async () => {
    await request(RPC_REGISTER_SUBJECT, { key: orgKey, deviceId: 'n-2' });
    await new WardenHttp(cp.url).withKey(orgKey).post('/api/v1/devices/revoke', { deviceId: 'n-2' });
    expect(await request(RPC_VALIDATE_SUBJECT, { key: orgKey, deviceId: 'n-2' })).toMatchObject({ allowed: false, code: 'DEVICE_REVOKED' });
  });

  describe('heartbeat', () => {
    it('renews the lease and answers as over HTTP, recorded as a heartbeat decision', async () => {
      const { orgKey: leaseKey, orgId } = await createOrg(new WardenHttp(cp.url), ADMIN_TOKEN);
      await new WardenHttp(cp.url).withKey(leaseKey).post('/api/v1/org/policy', { leaseTtlSeconds: 30 });
      await request(RPC_REGISTER_SUBJECT, { key: leaseKey, deviceId: 'hb-n' });

      const answer = await request(RPC_HEARTBEAT_SUBJECT, { key: leaseKey, deviceId: 'hb-n' });

      expect(answer).toMatchObject({ status: 'ok', handler: 'devices/heartbeat', orgId, deviceId: 'hb-n', allowed: true, code: 'ALLOW', leaseTtlSeconds: 30 });
      const record = (await cp.decisions()).find((event) => event.eventId === answer.request_id)!;
      expect(record.data).toMatchObject({ action: 'heartbeat', deviceId: 'hb-n' });
      expect(answer.expiresAt).toBe(new Date(Date.parse((record.data as { decidedAt: string }).decidedAt) + 30_000).toISOString());
    });

    it('answers an unknown device with the 403 error reply carrying the code', async () => {
      expect(await request(RPC_HEARTBEAT_SUBJECT, { key: orgKey, deviceId: 'nobody' })).toMatchObject({
        status: 'error',
        error: 'DEVICE_NOT_REGISTERED',
        httpStatus: 403,
      });
    });

    it.each([
      ['malformed JSON', () => '{"key":', 'invalid_json', 400],
      ['a missing deviceId', () => ({ key: orgKey }), 'invalid_request', 400],
      ['an unknown key', () => ({ key: 'org_nope', deviceId: 'a' }), 'invalid_key', 401],
    ])('answers %s with an error reply, writing nothing', async (_name, payload, error, httpStatus) => {
      const before = await cp.ledger.headPosition();
      expect(await request(RPC_HEARTBEAT_SUBJECT, payload())).toMatchObject({ status: 'error', error, httpStatus });
      expect(await cp.ledger.headPosition()).toBe(before);
    });
  });

  // The key is checked before the body, on NATS as on HTTP: bad bodies are sent with a good key.
  it.each([
    ['malformed JSON', () => '{"key":', 'invalid_json', 400],
    ['a missing deviceId', () => ({ key: orgKey }), 'invalid_request', 400],
    ['an unknown field', () => ({ key: orgKey, deviceId: 'a', admin: true }), 'invalid_request', 400],
    ['a consistencyToken that is not a position', () => ({ key: orgKey, deviceId: 'a', consistencyToken: 'soon' }), 'invalid_request', 400],
    ['an unknown key', () => ({ key: 'org_nope', deviceId: 'a' }), 'invalid_key', 401],
    ['no key', () => ({ deviceId: 'a' }), 'missing_key', 401],
  ])('answers %s with an error reply, writing nothing', async (_name, payload, error, httpStatus) => {
    const before = await cp.ledger.headPosition();
    expect(await request(RPC_VALIDATE_SUBJECT, payload())).toMatchObject({ status: 'error', error, httpStatus });
    expect(await cp.ledger.headPosition()).toBe(before);
  });

  describe('authentication: the one authenticator of HTTP', () => {
    const overLong = `org_${'A'.repeat(300)}`;

    it.each([
      ['an over-long key', overLong],
      ['no key', undefined],
      ['an unknown key of the right shape', `org_${'A'.repeat(32)}`],
    ])('refuses %s with the code and message HTTP answers, on validate and register, writing nothing', async (_name, key) => {
      const before = await cp.ledger.headPosition();
      const http = await new WardenHttp(cp.url).post('/api/v1/devices/validate', { deviceId: 'n-1' }, key === undefined ? {} : { 'x-org-key': key });
      expect(http.status).toBe(401);
      for (const subject of [RPC_VALIDATE_SUBJECT, RPC_REGISTER_SUBJECT]) {
        const reply = await request(subject, { key, deviceId: 'n-1' });
        expect(reply).toEqual({ status: 'error', error: http.body.error, message: http.body.message, httpStatus: 401 });
      }
      expect(await cp.ledger.headPosition()).toBe(before);
    });
  });

  describe('consistencyToken: the same wait as HTTP', () => {
    it('answers not_caught_up, as HTTP does, for a token beyond the head, writing nothing', async () => {
      const before = (await cp.ledger.headPosition())!;
      const token = (before + 1000n).toString();
      const started = Date.now();
      const reply = await request(RPC_VALIDATE_SUBJECT, { key: orgKey, deviceId: 'n-1', consistencyToken: token });
      expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT_MS - 50);
      const http = await new WardenHttp(cp.url).withKey(orgKey).post('/api/v1/devices/validate', { deviceId: 'n-1', consistencyToken: token });
      expect(http.status).toBe(503);
      expect(reply).toEqual({ status: 'error', error: 'not_caught_up', message: http.body.message, httpStatus: 503 });
      expect(await cp.ledger.headPosition()).toBe(before);
    });

    it('answers normally with a token the node has reached (the revoke it names counts)', async () => {
      await request(RPC_REGISTER_SUBJECT, { key: orgKey, deviceId: 'n-3' });
      const revoked = await new WardenHttp(cp.url).withKey(orgKey).post('/api/v1/devices/revoke', { deviceId: 'n-3' });
      const reply = await request(RPC_VALIDATE_SUBJECT, { key: orgKey, deviceId: 'n-3', consistencyToken: revoked.body.position });
      expect(reply).toMatchObject({ allowed: false, code: 'DEVICE_REVOKED', deviceId: 'n-3' });
    });

    it('waits for a token just ahead, and answers once the node reaches it', async () => {
      await request(RPC_REGISTER_SUBJECT, { key: orgKey, deviceId: 'n-4' });
      const next = ((await cp.ledger.headPosition())! + 1n).toString();
      const waiting = request(RPC_VALIDATE_SUBJECT, { key: orgKey, deviceId: 'n-4', consistencyToken: next });
      await eventually(async () => cp.app.get(ConsistencyWaits).count, (count) => count === 1, { timeoutMs: WAIT_MS, intervalMs: 5, what: 'the NATS validate waiting' });
      await new WardenHttp(cp.url).withKey(orgKey).post('/api/v1/devices/revoke', { deviceId: 'n-4' });
      expect(await waiting).toMatchObject({ allowed: false, code: 'DEVICE_REVOKED', position: expect.any(String) });
      expect(BigInt((await waiting).position)).toBeGreaterThanOrEqual(BigInt(next));
    });
  });
});
