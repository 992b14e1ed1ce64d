import { RPC_HEARTBEAT_SUBJECT, RPC_REGISTER_SUBJECT, RPC_VALIDATE_SUBJECT } from '@warden/broadcast';
import { NatsServerProcess } from '@warden/testing';
import { connect, type NatsConnection } from 'nats';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../../support/control-plane.harness';
import { createOrg, WardenHttp } from '../../support/http-client';
import { natsReady } from '../../support/nats-ready';

describe('NATS request/reply', () => {
  let nats: NatsServerProcess;
  let cp: RunningControlPlane;
  let nc: NatsConnection;
  let orgKey: string;

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    cp = await startControlPlane({ env: { NATS_URL: nats.url } });
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
      ['malformed JSON', '{"key":', 'invalid_json', 400],
      ['a missing deviceId', { key: 'k' }, 'invalid_request', 400],
      ['an unknown key', { key: 'org_nope', deviceId: 'a' }, 'invalid_key', 401],
    ])('answers %s with an error reply, writing nothing', async (_name, payload, error, httpStatus) => {
      const before = await cp.ledger.headPosition();
      expect(await request(RPC_HEARTBEAT_SUBJECT, payload)).toMatchObject({ status: 'error', error, httpStatus });
      expect(await cp.ledger.headPosition()).toBe(before);
    });
  });

  it.each([
    ['malformed JSON', '{"key":', 'invalid_json', 400],
    ['a missing deviceId', { key: 'k' }, 'invalid_request', 400],
    ['an unknown field', { key: 'k', deviceId: 'a', admin: true }, 'invalid_request', 400],
    ['an unknown key', { key: 'org_nope', deviceId: 'a' }, 'invalid_key', 401],
  ])('answers %s with an error reply, writing nothing', async (_name, payload, error, httpStatus) => {
    const before = await cp.ledger.headPosition();
    expect(await request(RPC_VALIDATE_SUBJECT, payload)).toMatchObject({ status: 'error', error, httpStatus });
    expect(await cp.ledger.headPosition()).toBe(before);
  });
});
