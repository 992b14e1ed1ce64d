import { NatsServerProcess } from '@warden/testing';
import { ControlPlaneStale, ExecutionDenied, WardenClient, type Lease } from '@warden/sdk';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../../support/control-plane.harness';
import { createOrg, WardenHttp } from '../../support/http-client';
import { natsReady } from '../../support/nats-ready';

/** Resolves with the signal's reason once it aborts (no timers: the test awaits the event). */
function aborted(lease: Lease): Promise<unknown> {
  if (lease.signal.aborted) return Promise.resolve(lease.signal.reason);
  return new Promise((resolve) => lease.signal.addEventListener('abort', () => resolve(lease.signal.reason), { once: true }));
}

describe('runtime leases against the control plane', () => {
  let nats: NatsServerProcess;
  let cp: RunningControlPlane;
  let http: WardenHttp;
  const leases: Lease[] = [];

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    cp = await startControlPlane({ env: { NATS_URL: nats.url, WARDEN_HEARTBEAT_INTERVAL_MS: '100' } });
    await natsReady(cp.app);
    http = new WardenHttp(cp.url);
  });
  afterEach(async () => {
    await Promise.all(leases.splice(0).map((lease) => lease.close()));
  });
  afterAll(async () => {
    await cp.close({ removeData: true });
    await nats.dispose();
  });

  async function newOrg() {
    const { orgKey, orgId } = await createOrg(http, ADMIN_TOKEN, { planTier: 'pro' });
    return { orgId, orgKey, admin: http.withKey(orgKey), client: new WardenClient({ baseUrl: cp.url, orgKey, natsUrl: nats.url }) };
  }

  async function start(client: WardenClient, deviceId: string, watch: 'nats' | 'sse' = 'nats', maxStalenessMs = 5000): Promise<Lease> {
    const lease = await client.start({ deviceId, watch, maxStalenessMs });
    leases.push(lease);
    return lease;
  }

  describe.each(['nats', 'sse'] as const)('watching over %s', (watch) => {
    it('aborts the signal when the device is revoked over HTTP, and guard refuses further work', async () => {
      const { admin, client } = await newOrg();
      const lease = await start(client, 'agent-1', watch);
      expect(await lease.guard(async () => 'worked')).toBe('worked');

      await admin.post('/api/v1/devices/revoke', { deviceId: 'agent-1' });

      const reason = await aborted(lease);
      expect(reason).toBeInstanceOf(ExecutionDenied);
      expect((reason as ExecutionDenied).code).toBe('DEVICE_REVOKED');
      const work = jest.fn();
      await expect(lease.guard(work)).rejects.toBeInstanceOf(ExecutionDenied);
      expect(work).not.toHaveBeenCalled();
    });
  });

  it('aborts every runtime of a suspended org, and no runtime of another org', async () => {
    const a = await newOrg();
    const b = await newOrg();
    const inA = await Promise.all(['a1', 'a2', 'a3'].map((id) => start(a.client, id)));
    const inB = await Promise.all(['b1', 'b2'].map((id) => start(b.client, id)));

    await a.admin.post('/api/v1/org/suspend', { reason: 'incident' });

    for (const lease of inA) expect((await aborted(lease)) as ExecutionDenied).toMatchObject({ code: 'ORG_SUSPENDED' });
    // Org B's own later revoke is a barrier: pushes arrive in ledger order, so a leaked suspend would have come first.
    await b.admin.post('/api/v1/devices/revoke', { deviceId: 'b2' });
    expect((await aborted(inB[1]!)) as ExecutionDenied).toMatchObject({ code: 'DEVICE_REVOKED' });
    expect(inB[0]!.signal.aborted).toBe(false);
  });

  it('learns of a revoke made while its NATS server was down, once it is back', async () => {
    const { admin, client } = await newOrg();
    // Long enough staleness that the outage itself does not end the lease: the revoke must.
    const lease = await start(client, 'offline-1', 'nats', 60_000);

    await nats.stop();
    expect((await admin.post('/api/v1/devices/revoke', { deviceId: 'offline-1' })).status).toBe(200);
    expect(lease.signal.aborted).toBe(false);
    await nats.restart();

    expect((await aborted(lease)) as ExecutionDenied).toMatchObject({ code: 'DEVICE_REVOKED' });
  }, 60_000);
});

describe('when the control plane stops', () => {
  it('aborts leases after maxStalenessMs with a clear reason', async () => {
    const nats = await NatsServerProcess.start();
    const cp = await startControlPlane({ env: { NATS_URL: nats.url, WARDEN_HEARTBEAT_INTERVAL_MS: '100' } });
    try {
      await natsReady(cp.app);
      const { orgKey } = await createOrg(new WardenHttp(cp.url), ADMIN_TOKEN);
      const overNats = await new WardenClient({ baseUrl: cp.url, orgKey, natsUrl: nats.url }).start({ deviceId: 's-1', maxStalenessMs: 800 });
      const overSse = await new WardenClient({ baseUrl: cp.url, orgKey }).start({ deviceId: 's-2', watch: 'sse', maxStalenessMs: 800 });

      await cp.close();

      for (const lease of [overNats, overSse]) {
        const reason = await aborted(lease);
        expect(reason).toBeInstanceOf(ControlPlaneStale);
        expect(String((reason as Error).message)).toMatch(/800/);
        await lease.close();
      }
    } finally {
      await cp.close({ removeData: true }).catch(() => undefined);
      await nats.dispose();
    }
  }, 30_000);
});
