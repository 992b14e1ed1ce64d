import { RPC_REGISTER_SUBJECT, RPC_VALIDATE_SUBJECT } from '@warden/broadcast';
import { NatsServerProcess } from '@warden/testing';
import { connect, type NatsConnection } from 'nats';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';
import { SseReader } from '../support/sse-reader';
import { natsReady } from '../support/nats-ready';

/**
 * A runtime key is confined to its own org on every channel. HTTP is covered by
 * test/e2e/tenant-isolation and the SSE watch of another org's device by
 * test/e2e/push/sse-watch; this adds NATS request/reply and revoked keys on NATS and SSE.
 */
describe("a runtime key against another org's devices, over NATS and SSE", () => {
  let nats: NatsServerProcess;
  let cp: RunningControlPlane;
  let nc: NatsConnection;
  let http: WardenHttp;
  let orgA: { orgId: string; orgKey: string };
  let orgB: WardenHttp;
  let runtimeA: string;

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    cp = await startControlPlane({ env: { NATS_URL: nats.url, WARDEN_HEARTBEAT_INTERVAL_MS: '100' } });
    await natsReady(cp.app);
    nc = await connect({ servers: nats.url });
    http = new WardenHttp(cp.url);
    orgA = await createOrg(http, ADMIN_TOKEN, { name: 'a' });
    orgB = http.withKey((await createOrg(http, ADMIN_TOKEN, { name: 'b', planTier: 'pro' })).orgKey);
    runtimeA = (await http.withKey(orgA.orgKey).post('/api/v1/org/keys', { scope: 'runtime' })).body.key as string;
    expect((await orgB.post('/api/v1/devices/register', { deviceId: 'b-secret' })).status).toBe(200);
  });
  afterAll(async () => {
    await nc.close();
    await cp.close({ removeData: true });
    await nats.dispose();
  });

  async function request(subject: string, payload: unknown): Promise<any> {
    const reply = await nc.request(subject, Buffer.from(JSON.stringify(payload)), { timeout: 5000 });
    return JSON.parse(Buffer.from(reply.data).toString('utf8'));
  }

  async function bSecretUntouched(): Promise<void> {
    const list = (await orgB.get('/api/v1/devices/list')).body;
    expect(list.devices.map((d: { deviceId: string; status: string }) => [d.deviceId, d.status])).toEqual([['b-secret', 'active']]);
    expect((await orgB.post('/api/v1/devices/validate', { deviceId: 'b-secret' })).body.code).toBe('ALLOW');
  }

  it("NATS validate: another org's device is not registered for this key (decided and recorded in the key's org)", async () => {
    const answer = await request(RPC_VALIDATE_SUBJECT, { key: runtimeA, deviceId: 'b-secret' });
    expect(answer).toMatchObject({ allowed: false, code: 'DEVICE_NOT_REGISTERED', deviceId: 'b-secret' });
    const record = (await cp.decisions()).find((event) => event.eventId === answer.request_id);
    expect(record?.data).toMatchObject({ orgId: orgA.orgId, deviceId: 'b-secret', allowed: false });
    await bSecretUntouched();
  });

  it("NATS register of the same deviceId creates the key's own org's device, never touching the other org", async () => {
    const answer = await request(RPC_REGISTER_SUBJECT, { key: runtimeA, deviceId: 'b-secret' });
    expect(answer).toMatchObject({ status: 'ok', deviceId: 'b-secret', devicesUsed: 1 });
    const listA = (await http.withKey(orgA.orgKey).get('/api/v1/devices/list')).body;
    expect(listA.devices.map((d: { deviceId: string }) => d.deviceId)).toEqual(['b-secret']);
    await bSecretUntouched();
  });

  it('NATS answers a revoked runtime key invalid_key (401) on validate and register, writing nothing', async () => {
    const issued = (await http.withKey(orgA.orgKey).post('/api/v1/org/keys', { scope: 'runtime' })).body as { key: string; keyId: string };
    expect((await request(RPC_VALIDATE_SUBJECT, { key: issued.key, deviceId: 'b-secret' })).code).toBe('ALLOW');
    expect((await http.withKey(orgA.orgKey).post('/api/v1/org/keys/revoke', { keyId: issued.keyId })).status).toBe(200);
    const before = await cp.ledger.headPosition();
    for (const subject of [RPC_VALIDATE_SUBJECT, RPC_REGISTER_SUBJECT]) {
      expect(await request(subject, { key: issued.key, deviceId: 'b-secret' })).toMatchObject({ status: 'error', error: 'invalid_key', httpStatus: 401 });
    }
    expect(await cp.ledger.headPosition()).toBe(before);
  });

  it('SSE refuses a revoked runtime key (401), and a watch open with it is scoped to its org', async () => {
    const issued = (await http.withKey(orgA.orgKey).post('/api/v1/org/keys', { scope: 'runtime' })).body as { key: string; keyId: string };
    const watch = await SseReader.open(`${cp.url}/api/v1/devices/watch?deviceId=b-secret`, { 'x-org-key': issued.key });
    try {
      expect(watch.status).toBe(200);
      expect(await watch.nextJson('permission')).toMatchObject({ orgId: orgA.orgId, deviceId: 'b-secret' });
    } finally {
      watch.close();
    }
    expect((await http.withKey(orgA.orgKey).post('/api/v1/org/keys/revoke', { keyId: issued.keyId })).status).toBe(200);
    const refused = await SseReader.open(`${cp.url}/api/v1/devices/watch?deviceId=b-secret`, { 'x-org-key': issued.key });
    expect(refused.status).toBe(401);
    refused.close();
  });

  it('SSE ends a stream that is open when its key is revoked (the key was checked only at open)', async () => {
    const issued = (await http.withKey(orgA.orgKey).post('/api/v1/org/keys', { scope: 'runtime' })).body as { key: string; keyId: string };
    const response = await fetch(`${cp.url}/api/v1/devices/watch?deviceId=b-secret`, { headers: { accept: 'text/event-stream', 'x-org-key': issued.key } });
    expect(response.status).toBe(200);
    const decoder = new TextDecoder();
    let received = '';
    let revoking: Promise<{ status: number }> | undefined;
    const ended = (async () => {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        received += decoder.decode(chunk, { stream: true });
        if (received.includes('event: heartbeat') && !revoking) {
          revoking = http.withKey(orgA.orgKey).post('/api/v1/org/keys/revoke', { keyId: issued.keyId });
        }
      }
    })();
    await ended;
    expect((await revoking!).status).toBe(200);
    expect(received).toContain('event: permission');
  });
});
