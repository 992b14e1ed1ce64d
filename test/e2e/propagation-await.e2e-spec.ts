import { WardenClient, type Lease } from '@warden/sdk';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';
import { metricValue } from '../support/metrics-reader';
import { SseReader } from '../support/sse-reader';
import { eventually } from '../support/eventually';

/** Kill commands with `awaitAcks`: the committed command's answer is held until its targets acked, or the timeout. */
describe('awaitAcks on the kill commands (SSE leases, acks over HTTP)', () => {
  let cp: RunningControlPlane;
  let http: WardenHttp;

  beforeAll(async () => {
    cp = await startControlPlane({ env: { WARDEN_ACK_MAX_WAITS_PER_ORG: '2' } });
    http = new WardenHttp(cp.url);
  });
  afterAll(() => cp.close({ removeData: true }));

  async function orgWithLeases(deviceIds: readonly string[]) {
    const { orgKey, orgId } = await createOrg(http, ADMIN_TOKEN, { planTier: 'pro' });
    const org = http.withKey(orgKey);
    const runtimeKey = (await org.post('/api/v1/org/keys', { scope: 'runtime' })).body.key as string;
    const client = new WardenClient({ baseUrl: cp.url, orgKey: runtimeKey });
    const leases: Lease[] = [];
    for (const deviceId of deviceIds) leases.push(await client.start({ deviceId, watch: 'sse' }));
    return { org, orgId, leases, close: () => Promise.all(leases.map((lease) => lease.close())) };
  }

  it('devices/revoke answers once the runtime acknowledged, with the report', async () => {
    const { org, close } = await orgWithLeases(['r-1']);
    try {
      const answer = await org.post('/api/v1/devices/revoke', { deviceId: 'r-1', awaitAcks: { timeoutMs: 20_000 } });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ result: 'revoked', position: expect.any(String) });
      expect(answer.body.propagation).toMatchObject({ position: answer.body.position, eventType: 'DeviceRevoked', targets: 1, acked: 1, pending: [], complete: true });
    } finally {
      await close();
    }
  });

  it('devices/revoke_batch and POST locks answer complete once every targeted runtime acknowledged', async () => {
    const { org, close } = await orgWithLeases(['b-1', 'b-2', 'b-3']);
    try {
      const batch = await org.post('/api/v1/devices/revoke_batch', { deviceIds: ['b-1', 'b-2'], awaitAcks: { timeoutMs: 20_000 } });
      expect(batch.status).toBe(200);
      expect(batch.body.propagation).toMatchObject({ position: batch.body.position, targets: 2, acked: 2, complete: true });
      const lock = await org.post('/api/v1/locks', { selector: { deviceId: 'b-3' }, reason: 'drill', awaitAcks: { timeoutMs: 20_000 } });
      expect(lock.status).toBe(200);
      expect(lock.body.propagation).toMatchObject({ position: lock.body.position, eventType: 'LockPlaced', targets: 1, acked: 1, complete: true });
    } finally {
      await close();
    }
  });

  it('answers at the timeout with the report incomplete: a watching runtime that never acks is pending', async () => {
    const { orgKey } = await createOrg(http, ADMIN_TOKEN);
    const org = http.withKey(orgKey);
    await org.post('/api/v1/devices/register', { deviceId: 'mute' });
    const watch = await SseReader.open(`${cp.url}/api/v1/devices/watch?deviceId=mute`, { 'x-org-key': orgKey });
    try {
      await watch.nextJson('permission');
      const started = Date.now();
      const answer = await org.post('/api/v1/org/suspend', { awaitAcks: { timeoutMs: 400 } });
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBe(200);
      expect(answer.body.propagation).toMatchObject({ eventType: 'OrgSuspended', targets: 1, acked: 0, pending: ['mute'], complete: false });
      expect((await org.get('/api/v1/org')).body.planState).toBe('suspended');
    } finally {
      watch.close();
    }
  });

  it('a command that changed nothing, or whose change reached no live runtime, answers complete at once', async () => {
    const { orgKey } = await createOrg(http, ADMIN_TOKEN);
    const org = http.withKey(orgKey);
    await org.post('/api/v1/devices/register', { deviceId: 'idle' });
    const first = await org.post('/api/v1/devices/revoke', { deviceId: 'idle', awaitAcks: { timeoutMs: 30_000 } });
    expect(first.body.propagation).toMatchObject({ targets: 0, complete: true, eventType: 'DeviceRevoked' });
    const again = await org.post('/api/v1/devices/revoke', { deviceId: 'idle', awaitAcks: { timeoutMs: 30_000 } });
    expect(again.body).toMatchObject({ result: 'already_revoked', propagation: { targets: 0, complete: true, eventType: 'none' } });
  });

  it('without awaitAcks answers as before, with no propagation field', async () => {
    const { orgKey } = await createOrg(http, ADMIN_TOKEN);
    const org = http.withKey(orgKey);
    await org.post('/api/v1/devices/register', { deviceId: 'plain' });
    const answer = await org.post('/api/v1/devices/revoke', { deviceId: 'plain' });
    expect(answer.status).toBe(200);
    expect(answer.body).not.toHaveProperty('propagation');
  });

  it.each([[0], [30_001], [1.5], ['100'], [null]])('refuses awaitAcks.timeoutMs %p with 400 invalid_request and commits nothing', async (timeoutMs) => {
    const { orgKey } = await createOrg(http, ADMIN_TOKEN);
    const org = http.withKey(orgKey);
    await org.post('/api/v1/devices/register', { deviceId: 'kept' });
    const head = await cp.ledger.headPosition();
    for (const [path, body] of [
      ['/api/v1/devices/revoke', { deviceId: 'kept' }],
      ['/api/v1/devices/revoke_batch', { deviceIds: ['kept'] }],
      ['/api/v1/org/suspend', {}],
      ['/api/v1/locks', { selector: { deviceId: 'kept' }, reason: 'x' }],
    ] as const) {
      const answer = await org.post(path, { ...body, awaitAcks: { timeoutMs } });
      expect([path, answer.status, answer.body.error, answer.body.field]).toEqual([path, 400, 'invalid_request', 'awaitAcks.timeoutMs']);
    }
    const extra = await org.post('/api/v1/org/suspend', { awaitAcks: { timeoutMs: 10, more: 1 } });
    expect(extra.status).toBe(400);
    expect(await cp.ledger.headPosition()).toBe(head);
  });

  it('beyond the per-org cap of held answers the command still commits and answers at once', async () => {
    const { orgKey } = await createOrg(http, ADMIN_TOKEN);
    const org = http.withKey(orgKey);
    const ids = ['h-1', 'h-2', 'h-3'];
    const watches: SseReader[] = [];
    try {
      for (const deviceId of ids) {
        await org.post('/api/v1/devices/register', { deviceId });
        const watch = await SseReader.open(`${cp.url}/api/v1/devices/watch?deviceId=${deviceId}`, { 'x-org-key': orgKey });
        await watch.nextJson('permission');
        watches.push(watch);
      }
      const held = [org.post('/api/v1/devices/revoke', { deviceId: 'h-1', awaitAcks: { timeoutMs: 30_000 } }), org.post('/api/v1/devices/revoke', { deviceId: 'h-2', awaitAcks: { timeoutMs: 30_000 } })];
      // Both holds are taken once the gauge says so: then a third answer cannot be held.
      await eventually(() => metricValue(cp.url, 'warden_ack_waits'), (held) => held === 2, { timeoutMs: 10_000, intervalMs: 10, what: 'two answers held' });
      const third = await org.post('/api/v1/devices/revoke', { deviceId: 'h-3', awaitAcks: { timeoutMs: 30_000 } });
      expect(third.status).toBe(200);
      expect(third.body).toMatchObject({ result: 'revoked', propagation: { complete: false, acked: 0 } });
      // The held ones end when their runtimes ack.
      for (const [i, deviceId] of ['h-1', 'h-2'].entries()) {
        const change = await watches[i]!.nextJson('permission');
        await org.post('/api/v1/devices/ack', { deviceId, position: change.position, receivedAt: new Date().toISOString(), transport: 'sse' });
      }
      const answers = await Promise.all(held);
      expect(answers.map((answer) => answer.body.propagation.complete)).toEqual([true, true]);
      expect(await metricValue(cp.url, 'warden_ack_waits')).toBe(0);
    } finally {
      for (const watch of watches) watch.close();
    }
  });
});
