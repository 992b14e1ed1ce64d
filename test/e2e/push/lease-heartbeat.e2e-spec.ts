import { ExecutionDenied, WardenClient, type Lease } from '@warden/sdk';
import { NatsServerProcess } from '@warden/testing';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../../support/control-plane.harness';
import { createOrg, WardenHttp } from '../../support/http-client';
import { leaseExpiries, until } from '../../support/ledger-events';
import { natsReady } from '../../support/nats-ready';

const TTL = 5;

/** Resolves with the signal's reason once it aborts. */
function aborted(lease: Lease): Promise<unknown> {
  if (lease.signal.aborted) return Promise.resolve(lease.signal.reason);
  return new Promise((resolve) => lease.signal.addEventListener('abort', () => resolve(lease.signal.reason), { once: true }));
}

/** A fetch for one SDK client that counts its heartbeats and can stop them reaching the control plane. */
function heartbeatGate() {
  const gate = { blocked: false, heartbeats: 0, waiters: [] as { count: number; resolve: () => void }[] };
  const gatedFetch: typeof fetch = async (input, init) => {
    if (String(input).endsWith('/api/v1/devices/heartbeat')) {
      gate.heartbeats++;
      gate.waiters = gate.waiters.filter((waiter) => (gate.heartbeats >= waiter.count ? (waiter.resolve(), false) : true));
      if (gate.blocked) throw new TypeError('fetch failed (heartbeats blocked by the test)');
    }
    return fetch(input, init);
  };
  const heartbeats = (count: number) =>
    gate.heartbeats >= count ? Promise.resolve() : new Promise<void>((resolve) => gate.waiters.push({ count, resolve }));
  return { gate, fetch: gatedFetch, heartbeats };
}

describe('SDK leases on an org with leases on', () => {
  let nats: NatsServerProcess;
  let cp: RunningControlPlane;

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    cp = await startControlPlane({ env: { NATS_URL: nats.url, WARDEN_HEARTBEAT_INTERVAL_MS: '100' } });
    await natsReady(cp.app);
  });
  afterAll(async () => {
    await cp.close({ removeData: true });
    await nats.dispose();
  });

  it('heartbeat by themselves (alive after 2 x TTL), stop when closed, and abort with LEASE_EXPIRED once their heartbeats stop arriving', async () => {
    const { orgId, orgKey } = await createOrg(new WardenHttp(cp.url), ADMIN_TOKEN, { planTier: 'pro' });
    await new WardenHttp(cp.url).withKey(orgKey).post('/api/v1/org/policy', { leaseTtlSeconds: TTL });
    const client = (gated: ReturnType<typeof heartbeatGate>) => new WardenClient({ baseUrl: cp.url, orgKey, natsUrl: nats.url, fetch: gated.fetch });
    const overNats = heartbeatGate();
    const overSse = heartbeatGate();
    const closing = heartbeatGate();
    const started = Date.now();
    const leases = await Promise.all([
      client(overNats).start({ deviceId: 'hb-nats', watch: 'nats' }),
      client(overSse).start({ deviceId: 'hb-sse', watch: 'sse' }),
      client(closing).start({ deviceId: 'hb-closed', watch: 'nats' }),
    ]);
    const [natsLease, sseLease, closedLease] = leases;
    try {
      await closing.heartbeats(1);
      await closedLease!.close();
      const beatsAtClose = closing.gate.heartbeats;

      await until(started + 2 * TTL * 1000);
      expect(natsLease!.active).toBe(true);
      expect(sseLease!.active).toBe(true);
      expect(overNats.gate.heartbeats).toBeGreaterThanOrEqual(5);
      const expiredSoFar = (await leaseExpiries(cp.ledger, orgId)).map((event) => (event.data as { deviceId: string }).deviceId);
      expect(expiredSoFar).not.toContain('hb-nats');
      expect(expiredSoFar).not.toContain('hb-sse');
      await overNats.heartbeats(overNats.gate.heartbeats + 2);
      expect(closing.gate.heartbeats).toBe(beatsAtClose);

      overNats.gate.blocked = true;
      overSse.gate.blocked = true;
      const reasons = await Promise.all([aborted(natsLease!), aborted(sseLease!)]);

      for (const reason of reasons) {
        expect(reason).toBeInstanceOf(ExecutionDenied);
        expect(reason).toMatchObject({ code: 'LEASE_EXPIRED' });
      }
      const expired = (await leaseExpiries(cp.ledger, orgId)).map((event) => (event.data as { deviceId: string }).deviceId);
      expect(expired.sort()).toEqual(['hb-closed', 'hb-nats', 'hb-sse']);
    } finally {
      await Promise.all(leases.map((lease) => lease.close()));
    }
  }, 40_000);
});
