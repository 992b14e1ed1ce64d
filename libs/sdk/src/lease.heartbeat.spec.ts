import type { Lease } from './lease';
import { ExecutionDenied, LeaseClosed } from './sdk.errors';
import { abortReason } from './testing/abort-reason';
import { allow, FakeControlPlane, heartbeatAnswer, permission, TEST_KEY } from './testing/fake-control-plane';
import { WardenClient } from './warden-client';

const HEARTBEAT = '/api/v1/devices/heartbeat';
/** A TTL far below the control plane's minimum, so a test sees heartbeats every 100 ms. */
const TTL = 0.3;

describe('a lease on an org with leases on', () => {
  let fake: FakeControlPlane;
  let client: WardenClient;
  let lease: Lease | undefined;

  beforeEach(async () => {
    fake = await FakeControlPlane.start();
    fake.current.set('agent-1', permission({ allowed: true, position: '10' }));
    fake.answers.set('POST /api/v1/devices/validate', { status: 200, body: { ...allow('10'), leaseTtlSeconds: TTL } });
    fake.answers.set(`POST ${HEARTBEAT}`, { status: 200, body: heartbeatAnswer({ leaseTtlSeconds: TTL }) });
    fake.startHeartbeats(20);
    client = new WardenClient({ baseUrl: fake.url, orgKey: TEST_KEY });
  });
  afterEach(async () => {
    await lease?.close();
    lease = undefined;
    await fake.close();
  });

  async function start(): Promise<Lease> {
    lease = await client.start({ deviceId: 'agent-1', watch: 'sse', maxStalenessMs: 60_000 });
    return lease;
  }

  it('learns the TTL from the validate answer and heartbeats by itself, with its key, for its device', async () => {
    await start();
    await fake.requestsTo(HEARTBEAT, 3);

    const beats = fake.requests.filter((request) => request.path === HEARTBEAT);
    expect(beats.map((request) => request.body)).toEqual([{ deviceId: 'agent-1' }, { deviceId: 'agent-1' }, { deviceId: 'agent-1' }]);
    expect(beats.every((request) => request.headers['x-org-key'] === TEST_KEY)).toBe(true);
    expect(lease!.active).toBe(true);
  });

  it('does not heartbeat when the answers carry no TTL (leases off)', async () => {
    fake.answers.set('POST /api/v1/devices/validate', { status: 200, body: allow('10') });
    await start();
    await fake.heartbeatsSent(20); // 400 ms: four heartbeat intervals of the TTL above
    expect(fake.count(HEARTBEAT)).toBe(0);
  });

  it('aborts with ExecutionDenied LEASE_EXPIRED when a heartbeat is refused with it, and stops heartbeating', async () => {
    await start();
    await fake.requestsTo(HEARTBEAT, 1);
    fake.answers.set(`POST ${HEARTBEAT}`, { status: 403, body: { status: 'error', error: 'LEASE_EXPIRED', message: 'expired', deviceId: 'agent-1' } });

    const reason = await abortReason(lease!.signal);

    expect(reason).toBeInstanceOf(ExecutionDenied);
    expect(reason).toMatchObject({ code: 'LEASE_EXPIRED' });
    const beats = fake.count(HEARTBEAT);
    await fake.heartbeatsSent(20);
    expect(fake.count(HEARTBEAT)).toBe(beats);
  });

  it('aborts when a heartbeat answers a deny, like any other deny', async () => {
    await start();
    fake.answers.set(`POST ${HEARTBEAT}`, { status: 200, body: heartbeatAnswer({ allowed: false, code: 'DEVICE_LOCKED', leaseTtlSeconds: TTL }) });
    expect(await abortReason(lease!.signal)).toMatchObject({ code: 'DEVICE_LOCKED' });
  });

  it('keeps heartbeating through failed heartbeats (no answer is no deny)', async () => {
    await start();
    fake.answers.set(`POST ${HEARTBEAT}`, { status: 503, body: { status: 'error', error: 'ledger_unavailable', message: 'down' } });
    await fake.requestsTo(HEARTBEAT, 3);
    expect(lease!.active).toBe(true);
  });

  it('stops heartbeating when closed', async () => {
    await start();
    await fake.requestsTo(HEARTBEAT, 1);
    await lease!.close();
    expect(lease!.reason).toBeInstanceOf(LeaseClosed);
    const beats = fake.count(HEARTBEAT);
    await fake.heartbeatsSent(20);
    expect(fake.count(HEARTBEAT)).toBe(beats);
  });
});
