import { deviceSubject } from '@warden/broadcast';
import { ExecutionDenied, WardenClient, type Lease } from '@warden/sdk';
import { NatsServerProcess } from '@warden/testing';
import { connect, type NatsConnection } from 'nats';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../../support/control-plane.harness';
import { createOrg, WardenHttp } from '../../support/http-client';
import { natsReady } from '../../support/nats-ready';
import { PermissionSubjectWatcher } from '../../support/permission-subject.watcher';
import { SseReader } from '../../support/sse-reader';

/** Resolves with the signal's reason once it aborts (no timers: the test awaits the event). */
function aborted(lease: Lease): Promise<unknown> {
  if (lease.signal.aborted) return Promise.resolve(lease.signal.reason);
  return new Promise((resolve) => lease.signal.addEventListener('abort', () => resolve(lease.signal.reason), { once: true }));
}

describe('locks pushed to runtimes (NATS and SSE)', () => {
  let nats: NatsServerProcess;
  let cp: RunningControlPlane;
  let nc: NatsConnection;
  let http: WardenHttp;
  const leases: Lease[] = [];

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    cp = await startControlPlane({ env: { NATS_URL: nats.url, WARDEN_HEARTBEAT_INTERVAL_MS: '100' } });
    await natsReady(cp.app);
    nc = await connect({ servers: nats.url });
    http = new WardenHttp(cp.url);
  });
  afterEach(async () => {
    await Promise.all(leases.splice(0).map((lease) => lease.close()));
  });
  afterAll(async () => {
    await nc.close();
    await cp.close({ removeData: true });
    await nats.dispose();
  });

  async function newOrg() {
    const { orgKey, orgId } = await createOrg(http, ADMIN_TOKEN, { planTier: 'pro' });
    return { orgId, orgKey, admin: http.withKey(orgKey), client: new WardenClient({ baseUrl: cp.url, orgKey, natsUrl: nats.url }) };
  }

  async function start(client: WardenClient, deviceId: string, labels: Record<string, string>, watch: 'nats' | 'sse'): Promise<Lease> {
    const lease = await client.start({ deviceId, labels, watch, maxStalenessMs: 10_000 });
    leases.push(lease);
    return lease;
  }

  it('aborts the matched leases over NATS and SSE with DEVICE_LOCKED, and no other lease', async () => {
    const { admin, client } = await newOrg();
    const overNats = await start(client, 'pay-nats', { team: 'payments' }, 'nats');
    const overSse = await start(client, 'pay-sse', { team: 'payments', env: 'prod' }, 'sse');
    const bystanders = [await start(client, 'web-nats', { team: 'web' }, 'nats'), await start(client, 'web-sse', { team: 'web' }, 'sse')];

    const placed = await admin.post('/api/v1/locks', { selector: { labels: { team: 'payments' } }, reason: 'incident 7' });
    expect(placed.body).toMatchObject({ status: 'ok', matched: 2 });

    for (const lease of [overNats, overSse]) {
      const reason = await aborted(lease);
      expect(reason).toBeInstanceOf(ExecutionDenied);
      expect((reason as ExecutionDenied).code).toBe('DEVICE_LOCKED');
    }
    const work = jest.fn();
    await expect(overNats.guard(work)).rejects.toMatchObject({ code: 'DEVICE_LOCKED' });
    expect(work).not.toHaveBeenCalled();

    // Each bystander's own later revoke is a barrier on its own subject: a lock pushed to it
    // would have arrived first and aborted it with DEVICE_LOCKED instead.
    for (const [i, deviceId] of ['web-nats', 'web-sse'].entries()) {
      expect(bystanders[i]!.signal.aborted).toBe(false);
      await admin.post('/api/v1/devices/revoke', { deviceId });
      expect((await aborted(bystanders[i]!)) as ExecutionDenied).toMatchObject({ code: 'DEVICE_REVOKED' });
    }
  });

  it('refuses to start a lease for a device registering under the lock', async () => {
    const { admin, client } = await newOrg();
    await admin.post('/api/v1/locks', { selector: { labels: { team: 'batch' } }, reason: 'runaway' });

    await expect(client.start({ deviceId: 'batch-1', labels: { team: 'batch' }, watch: 'nats' })).rejects.toMatchObject({ code: 'DEVICE_LOCKED' });
    expect((await start(client, 'batch-2', { team: 'other' }, 'nats')).signal.aborted).toBe(false);
  });

  it('pushes DEVICE_LOCKED then, on unlock, ALLOW on the device subject (NATS) and the watch (SSE)', async () => {
    const { admin, orgId, orgKey } = await newOrg();
    for (const deviceId of ['pay-1', 'web-1']) await admin.post('/api/v1/devices/register', { deviceId, labels: { team: deviceId.slice(0, 3) } });
    const subject = await PermissionSubjectWatcher.open(nc, deviceSubject(orgId, 'pay-1'));
    const bystander = await PermissionSubjectWatcher.open(nc, deviceSubject(orgId, 'web-1'));
    const sse = await SseReader.open(`${cp.url}/api/v1/devices/watch?deviceId=pay-1`, { 'x-org-key': orgKey });
    try {
      const registered = await subject.next();
      expect(registered).toMatchObject({ deviceId: 'pay-1', code: 'ALLOW' });
      expect(await bystander.next()).toMatchObject({ deviceId: 'web-1', code: 'ALLOW' });
      expect(await sse.nextJson('permission')).toMatchObject({ deviceId: 'pay-1', code: 'ALLOW' });

      const placed = await admin.post('/api/v1/locks', { selector: { labels: { team: 'pay' } }, reason: 'incident' });
      const locked = { orgId, deviceId: 'pay-1', allowed: false, code: 'DEVICE_LOCKED', position: placed.body.position };
      expect(await subject.next()).toMatchObject(locked);
      expect(await sse.nextJson('permission')).toMatchObject(locked);

      const lifted = await admin.post('/api/v1/locks/remove', { lockId: placed.body.lockId });
      const allowed = { orgId, deviceId: 'pay-1', allowed: true, code: 'ALLOW', position: lifted.body.position };
      expect(await subject.next()).toMatchObject(allowed);
      expect(await sse.nextJson('permission')).toMatchObject(allowed);

      // The bystander's next message is its own later revoke: neither the lock nor the lift reached it.
      const revoked = await admin.post('/api/v1/devices/revoke', { deviceId: 'web-1' });
      expect(await bystander.next()).toMatchObject({ deviceId: 'web-1', code: 'DEVICE_REVOKED', position: revoked.body.position });
    } finally {
      sse.close();
      await subject.close();
      await bystander.close();
    }
  });
});
