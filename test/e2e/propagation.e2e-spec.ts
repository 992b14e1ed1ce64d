import { WardenClient, type Lease } from '@warden/sdk';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';
import { SseReader } from '../support/sse-reader';

const ACK_DEADLINE_MS = 1500;

/** Polls the report of `position` until `done` holds (bounded). */
async function reportUntil(org: WardenHttp, position: string, done: (p: any) => boolean, withinMs = 10_000): Promise<any> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const answer = await org.get(`/api/v1/propagation?position=${position}`);
    expect(answer.status).toBe(200);
    if (done(answer.body.propagation) || Date.now() > deadline) return answer.body.propagation;
    await sleep(50);
  }
}

describe('proof of propagation (acks over HTTP, SSE leases)', () => {
  let cp: RunningControlPlane;
  let http: WardenHttp;

  beforeAll(async () => {
    cp = await startControlPlane({ env: { WARDEN_ACK_DEADLINE_MS: String(ACK_DEADLINE_MS) } });
    http = new WardenHttp(cp.url);
  });
  afterAll(() => cp.close({ removeData: true }));

  async function ackRecords(orgId: string) {
    const events = await cp.ledger.readAll({ streamPrefixes: ['acks-'] });
    return events.filter((event) => event.type === 'PermissionAcknowledged' && (event.data as { orgId: string }).orgId === orgId);
  }

  it('a suspend is acknowledged by every SSE lease of the org (runtime key), each ack stored once', async () => {
    const N = 3;
    const { orgKey, orgId } = await createOrg(http, ADMIN_TOKEN, { planTier: 'pro' });
    const org = http.withKey(orgKey);
    const runtimeKey = (await org.post('/api/v1/org/keys', { scope: 'runtime' })).body.key as string;
    const client = new WardenClient({ baseUrl: cp.url, orgKey: runtimeKey });
    const leases: Lease[] = [];
    try {
      for (let i = 0; i < N; i++) leases.push(await client.start({ deviceId: `agent-${i}`, watch: 'sse' }));
      const suspended = await org.post('/api/v1/org/suspend', { reason: 'drill' });
      const position = suspended.body.position as string;
      await Promise.all(leases.map((lease) => new Promise((resolve) => (lease.signal.aborted ? resolve(undefined) : lease.signal.addEventListener('abort', resolve)))));

      const report = await reportUntil(org, position, (p) => p.complete);
      expect(report).toMatchObject({ position, eventType: 'OrgSuspended', targets: N, acked: N, pending: [], lagging: [], complete: true });
      expect(report.ackLatencyMs.max).toEqual(expect.any(Number));
      expect(report.ackLatencyMs.p50).toBeLessThanOrEqual(report.ackLatencyMs.max);

      const records = await ackRecords(orgId);
      expect(records).toHaveLength(N);
      expect(records.map((r) => (r.data as { stoppedAt: string | null }).stoppedAt)).toEqual([expect.any(String), expect.any(String), expect.any(String)]);
      expect(new Set(records.map((r) => (r.data as { transport: string }).transport))).toEqual(new Set(['sse']));

      const again = await org.post('/api/v1/devices/ack', { deviceId: 'agent-0', position, receivedAt: new Date().toISOString(), transport: 'sse' });
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ status: 'ok', deviceId: 'agent-0', position, duplicate: true });
      expect(await ackRecords(orgId)).toHaveLength(N);
    } finally {
      await Promise.all(leases.map((lease) => lease.close()));
    }
  });

  it('refuses acks for another org, for a change that did not touch the device, and for an unknown change', async () => {
    const a = await createOrg(http, ADMIN_TOKEN);
    const b = await createOrg(http, ADMIN_TOKEN);
    const orgA = http.withKey(a.orgKey);
    await orgA.post('/api/v1/devices/register', { deviceId: 'a-1' });
    await orgA.post('/api/v1/devices/register', { deviceId: 'a-2' });
    const revoked = await orgA.post('/api/v1/devices/revoke', { deviceId: 'a-1' });
    const position = revoked.body.position as string;
    await reportUntil(orgA, position, () => true);
    const receivedAt = new Date().toISOString();

    const foreign = await http.withKey(b.orgKey).post('/api/v1/devices/ack', { deviceId: 'a-1', position, receivedAt });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toBe('device_not_found');

    const untouched = await orgA.post('/api/v1/devices/ack', { deviceId: 'a-2', position, receivedAt });
    expect(untouched.status).toBe(400);
    expect(untouched.body.error).toBe('ack_not_expected');

    const unknown = await orgA.post('/api/v1/devices/ack', { deviceId: 'a-1', position: '999999999', receivedAt });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('change_not_known');
    const report = await orgA.get('/api/v1/propagation?position=999999999');
    expect(report.status).toBe(404);
    expect(report.body.error).toBe('change_not_known');
    expect((await http.withKey(b.orgKey).get(`/api/v1/propagation?position=${position}`)).body.error).toBe('change_not_known');

    const strict = await orgA.post('/api/v1/devices/ack', { deviceId: 'a-1', position, receivedAt, extra: true });
    expect(strict.status).toBe(400);
    expect(await ackRecords(a.orgId)).toHaveLength(0);
  });

  it('live targets (an open watch, a recent validation) that never acknowledge are pending, then lagging; a device not live is no target', async () => {
    const { orgKey } = await createOrg(http, ADMIN_TOKEN);
    const org = http.withKey(orgKey);
    await org.post('/api/v1/devices/register', { deviceId: 'silent' });
    await org.post('/api/v1/devices/register', { deviceId: 'gone' });
    await org.post('/api/v1/devices/register', { deviceId: 'recent' });
    expect((await org.post('/api/v1/devices/validate', { deviceId: 'recent' })).body.allowed).toBe(true);
    const watch = await SseReader.open(`${cp.url}/api/v1/devices/watch?deviceId=silent`, { 'x-org-key': orgKey });
    try {
      await watch.nextJson('permission');
      const suspended = await org.post('/api/v1/org/suspend', {});
      const position = suspended.body.position as string;
      const first = await reportUntil(org, position, () => true);
      expect(first).toMatchObject({ targets: 2, acked: 0, complete: false });
      expect([...first.pending].sort()).toEqual(['recent', 'silent']);
      const late = await reportUntil(org, position, (p) => p.lagging.length > 0, ACK_DEADLINE_MS + 5000);
      expect(late).toMatchObject({ targets: 2, acked: 0, complete: false });
      expect([...late.lagging].sort()).toEqual(['recent', 'silent']);
    } finally {
      watch.close();
    }
  });
});
