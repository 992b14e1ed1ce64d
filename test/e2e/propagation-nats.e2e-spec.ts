import { ackSubject, deviceSubject } from '@warden/broadcast';
import { WardenClient, type Lease } from '@warden/sdk';
import { NatsServerProcess } from '@warden/testing';
import { connect, type NatsConnection } from 'nats';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChildLines } from '../support/child-lines';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';
import { metricValue } from '../support/metrics-reader';
import { natsReady } from '../support/nats-ready';

const ACK_DEADLINE_MS = 1500;
const ROOT = join(__dirname, '../..');

/** Proof of propagation with NATS: leases over NATS ack over NATS, leases over SSE over HTTP. */
describe('proof of propagation over NATS and SSE', () => {
  let nats: NatsServerProcess;
  let cp: RunningControlPlane;
  let http: WardenHttp;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    cp = await startControlPlane({ env: { NATS_URL: nats.url, WARDEN_ACK_DEADLINE_MS: String(ACK_DEADLINE_MS) } });
    await natsReady(cp.app);
    http = new WardenHttp(cp.url);
    nc = await connect({ servers: nats.url });
  }, 60_000);
  afterAll(async () => {
    await nc?.close();
    await cp.close({ removeData: true });
    await nats.dispose();
  });

  async function ackRecords(orgId: string) {
    const events = await cp.ledger.readAll({ streamPrefixes: ['acks-'] });
    return events.filter((event) => event.type === 'PermissionAcknowledged' && (event.data as { orgId: string }).orgId === orgId);
  }

  async function natsAck(orgId: string, payload: object): Promise<any> {
    const reply = await nc.request(ackSubject(orgId), JSON.stringify(payload), { timeout: 5000 });
    return JSON.parse(Buffer.from(reply.data).toString('utf8'));
  }

  async function orgWithRuntimeKey() {
    const created = await createOrg(http, ADMIN_TOKEN, { planTier: 'pro' });
    const org = http.withKey(created.orgKey);
    const runtimeKey = (await org.post('/api/v1/org/keys', { scope: 'runtime' })).body.key as string;
    return { ...created, org, runtimeKey };
  }

  it('org suspend with awaitAcks answers complete with exactly N acks over NATS and N over SSE', async () => {
    const N = 5;
    const { orgId, org, runtimeKey } = await orgWithRuntimeKey();
    const client = new WardenClient({ baseUrl: cp.url, orgKey: runtimeKey, natsUrl: nats.url });
    const viaNatsBefore = await metricValue(cp.url, 'warden_acks_total', { via: 'nats' });
    const leases: Lease[] = [];
    try {
      for (let i = 0; i < N; i++) leases.push(await client.start({ deviceId: `nats-${i}`, watch: 'nats' }));
      for (let i = 0; i < N; i++) leases.push(await client.start({ deviceId: `sse-${i}`, watch: 'sse' }));

      const answer = await org.post('/api/v1/org/suspend', { reason: 'drill', awaitAcks: { timeoutMs: 20_000 } });

      expect(answer.status).toBe(200);
      expect(answer.body.propagation).toMatchObject({ position: answer.body.position, eventType: 'OrgSuspended', targets: 2 * N, acked: 2 * N, pending: [], complete: true });
      expect(leases.every((lease) => lease.signal.aborted)).toBe(true);
      const records = (await ackRecords(orgId)).map((record) => record.data as { deviceId: string; transport: string; position: string });
      expect(records).toHaveLength(2 * N);
      expect(records.every((record) => record.position === answer.body.position)).toBe(true);
      expect(records.filter((record) => record.transport === 'nats').map((r) => r.deviceId).sort()).toEqual(Array.from({ length: N }, (_, i) => `nats-${i}`));
      expect(records.filter((record) => record.transport === 'sse').map((r) => r.deviceId).sort()).toEqual(Array.from({ length: N }, (_, i) => `sse-${i}`));
      // The NATS leases' acks came over NATS itself, not the HTTP fallback.
      expect((await metricValue(cp.url, 'warden_acks_total', { via: 'nats' })) - viaNatsBefore).toBe(N);
    } finally {
      await Promise.all(leases.map((lease) => lease.close()));
    }
  }, 60_000);

  it('a runtime whose process was killed shows as pending, then lagging after the deadline', async () => {
    const { orgId, org, runtimeKey } = await orgWithRuntimeKey();
    const runtime = new ChildLines(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(__dirname, '../support/lease-runtime.main.ts')], {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), WARDEN_URL: cp.url, WARDEN_ORG_KEY: runtimeKey, NATS_URL: nats.url, DEVICE_ID: 'doomed', WATCH: 'nats' },
    });
    try {
      await runtime.waitFor(/lease started doomed|lease failed/);
      expect(runtime.lines.join('\n')).toContain('lease started doomed');
      runtime.kill();
      await runtime.exited;

      const answer = await org.post('/api/v1/devices/revoke', { deviceId: 'doomed', awaitAcks: { timeoutMs: 300 } });
      expect(answer.body.propagation).toMatchObject({ targets: 1, acked: 0, pending: ['doomed'], lagging: [], complete: false });

      const position = answer.body.position as string;
      let report: any;
      const until = Date.now() + ACK_DEADLINE_MS + 10_000;
      do {
        report = (await org.get(`/api/v1/propagation?position=${position}`)).body.propagation;
        if (report.lagging.length > 0) break;
        await sleep(100);
      } while (Date.now() < until);
      expect(report).toMatchObject({ pending: ['doomed'], lagging: ['doomed'], complete: false });
      expect(await metricValue(cp.url, 'warden_propagation_lagging', { org: orgId })).toBe(1);
      expect(await ackRecords(orgId)).toHaveLength(0);
    } finally {
      runtime.kill();
    }
  }, 60_000);

  it('an ack published over NATS without a reply subject is recorded; repeats are answered duplicate and stored once', async () => {
    const { orgId, org, runtimeKey } = await orgWithRuntimeKey();
    await org.post('/api/v1/devices/register', { deviceId: 'twice' });
    // A validation makes it live, so the revoke targets it.
    expect((await org.post('/api/v1/devices/validate', { deviceId: 'twice' })).body.allowed).toBe(true);
    const revokeMessage = nextMessagePosition(deviceSubject(orgId, 'twice'));
    await nc.flush();
    const held = org.post('/api/v1/devices/revoke', { deviceId: 'twice', awaitAcks: { timeoutMs: 20_000 } });
    const position = await revokeMessage;
    const ack = { key: runtimeKey, deviceId: 'twice', position, receivedAt: new Date().toISOString() };
    nc.publish(ackSubject(orgId), JSON.stringify(ack));

    const answer = await held;
    expect(answer.body.propagation).toMatchObject({ position, targets: 1, acked: 1, complete: true });
    expect(await natsAck(orgId, ack)).toEqual({ status: 'ok', deviceId: 'twice', position, duplicate: true });
    expect(await natsAck(orgId, ack)).toEqual({ status: 'ok', deviceId: 'twice', position, duplicate: true });
    const records = await ackRecords(orgId);
    expect(records).toHaveLength(1);
    expect(records[0]!.data).toMatchObject({ deviceId: 'twice', position, transport: 'nats' });
  });

  it("refuses an ack with another org's key, over NATS and over HTTP, and records nothing", async () => {
    const a = await orgWithRuntimeKey();
    const b = await orgWithRuntimeKey();
    await a.org.post('/api/v1/devices/register', { deviceId: 'a-dev' });
    const position = (await a.org.post('/api/v1/devices/revoke', { deviceId: 'a-dev', awaitAcks: { timeoutMs: 5000 } })).body.position as string;
    const ack = { deviceId: 'a-dev', position, receivedAt: new Date().toISOString() };
    const refusedBefore = await metricValue(cp.url, 'warden_acks_refused_total', { via: 'nats' });

    expect(await natsAck(a.orgId, { ...ack, key: b.runtimeKey })).toMatchObject({ status: 'error', error: 'ack_subject_mismatch', httpStatus: 403 });
    expect(await natsAck(b.orgId, { ...ack, key: b.runtimeKey })).toMatchObject({ status: 'error', error: 'device_not_found', httpStatus: 404 });
    expect(await natsAck(a.orgId, { ...ack, key: 'wk_not-a-key' })).toMatchObject({ status: 'error', httpStatus: 401 });
    const overHttp = await http.withKey(b.runtimeKey).post('/api/v1/devices/ack', ack);
    expect([overHttp.status, overHttp.body.error]).toEqual([404, 'device_not_found']);

    expect((await metricValue(cp.url, 'warden_acks_refused_total', { via: 'nats' })) - refusedBefore).toBe(3);
    expect(await ackRecords(a.orgId)).toHaveLength(0);
    expect(await ackRecords(b.orgId)).toHaveLength(0);
  });

  it('refuses an ack for a position that did not touch the device, over NATS and over HTTP', async () => {
    const { orgId, org, runtimeKey } = await orgWithRuntimeKey();
    await org.post('/api/v1/devices/register', { deviceId: 'touched' });
    await org.post('/api/v1/devices/register', { deviceId: 'untouched' });
    const position = (await org.post('/api/v1/devices/revoke', { deviceId: 'touched', awaitAcks: { timeoutMs: 5000 } })).body.position as string;
    const ack = { deviceId: 'untouched', position, receivedAt: new Date().toISOString() };

    expect(await natsAck(orgId, { ...ack, key: runtimeKey })).toMatchObject({ status: 'error', error: 'ack_not_expected', httpStatus: 400 });
    const overHttp = await http.withKey(runtimeKey).post('/api/v1/devices/ack', ack);
    expect([overHttp.status, overHttp.body.error]).toEqual([400, 'ack_not_expected']);
    expect(await ackRecords(orgId)).toHaveLength(0);
  });

  /** The position of the next permission message the relay publishes on `subject` (subscribed at the call). */
  async function nextMessagePosition(subject: string): Promise<string> {
    const sub = nc.subscribe(subject, { max: 1 });
    for await (const msg of sub) return (JSON.parse(Buffer.from(msg.data).toString('utf8')) as { position: string }).position;
    throw new Error('no permission message');
  }
});
