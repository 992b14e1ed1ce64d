import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../../support/control-plane.harness';
import { createOrg, WardenHttp } from '../../support/http-client';
import { SseReader } from '../../support/sse-reader';

describe('SSE watch (no NATS)', () => {
  let cp: RunningControlPlane;
  let http: WardenHttp;

  beforeAll(async () => {
    cp = await startControlPlane({ env: { WARDEN_HEARTBEAT_INTERVAL_MS: '100' } });
    http = new WardenHttp(cp.url);
  });
  afterAll(() => cp.close({ removeData: true }));

  it('streams the current permission, then the revoke, then heartbeats', async () => {
    const { orgKey, orgId } = await createOrg(http, ADMIN_TOKEN);
    const org = http.withKey(orgKey);
    await org.post('/api/v1/devices/register', { deviceId: 'w-1' });
    const watch = await SseReader.open(`${cp.url}/api/v1/devices/watch?deviceId=w-1`, { 'x-org-key': orgKey });
    try {
      expect(watch.status).toBe(200);
      const current = await watch.nextJson('permission');
      expect(current).toMatchObject({ orgId, deviceId: 'w-1', allowed: true, code: 'ALLOW' });

      const revoked = await org.post('/api/v1/devices/revoke', { deviceId: 'w-1' });
      let change = await watch.nextJson('permission');
      while (BigInt(change.position) <= BigInt(current.position)) change = await watch.nextJson('permission');
      expect(change).toMatchObject({ orgId, deviceId: 'w-1', allowed: false, code: 'DEVICE_REVOKED', position: revoked.body.position });

      expect(await watch.nextJson('heartbeat')).toMatchObject({ nodeId: expect.any(String), at: expect.any(String), position: expect.any(String) });
    } finally {
      watch.close();
    }
  });

  it("scopes a runtime key to its own org: another org's device is unknown and its changes never arrive", async () => {
    const a = await createOrg(http, ADMIN_TOKEN);
    const b = await createOrg(http, ADMIN_TOKEN);
    const runtimeKey = (await http.withKey(a.orgKey).post('/api/v1/org/keys', { scope: 'runtime' })).body.key as string;
    const orgB = http.withKey(b.orgKey);
    await orgB.post('/api/v1/devices/register', { deviceId: 'b-secret' });

    const watch = await SseReader.open(`${cp.url}/api/v1/devices/watch?deviceId=b-secret`, { 'x-org-key': runtimeKey });
    try {
      expect(await watch.nextJson('permission')).toMatchObject({ orgId: a.orgId, deviceId: 'b-secret', allowed: false, code: 'DEVICE_NOT_REGISTERED' });
      await orgB.post('/api/v1/devices/revoke', { deviceId: 'b-secret' });
      // The relay delivers in ledger order, so org A's own later change is a barrier: had org B's
      // revoke leaked into this watch, it would arrive first.
      await http.withKey(a.orgKey).post('/api/v1/devices/register', { deviceId: 'b-secret' });
      expect(await watch.nextJson('permission')).toMatchObject({ orgId: a.orgId, allowed: true, code: 'ALLOW' });
    } finally {
      watch.close();
    }
  });

  it('refuses a watch without a valid key', async () => {
    const watch = await SseReader.open(`${cp.url}/api/v1/devices/watch?deviceId=x`, { 'x-org-key': 'org_nope' });
    expect(watch.status).toBe(401);
    watch.close();
  });
});
