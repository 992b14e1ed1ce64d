import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';

describe('tenant isolation and key scopes', () => {
  let cp: RunningControlPlane;
  let http: WardenHttp;
  let orgA: WardenHttp;
  let orgAId: string;
  let orgB: WardenHttp;
  let orgBKeyId: string;

  beforeAll(async () => {
    cp = await startControlPlane();
    http = new WardenHttp(cp.url);
    const a = await createOrg(http, ADMIN_TOKEN, { name: 'a' });
    orgA = http.withKey(a.orgKey);
    orgAId = a.orgId;
    const b = await createOrg(http, ADMIN_TOKEN, { name: 'b' });
    orgB = http.withKey(b.orgKey);
    orgBKeyId = b.keyId;
    await orgB.post('/api/v1/devices/register', { deviceId: 'b-device' });
  });
  afterAll(() => cp.close({ removeData: true }));

  async function bDeviceStillAllowed(): Promise<void> {
    expect((await orgB.post('/api/v1/devices/validate', { deviceId: 'b-device' })).body).toMatchObject({ allowed: true, code: 'ALLOW' });
    const list = await orgB.get('/api/v1/devices/list');
    expect(list.body.devices.find((d: { deviceId: string }) => d.deviceId === 'b-device')).toMatchObject({ status: 'active', allowed: true });
    expect(list.body.planState).toBe('active');
  }

  describe("org A's key against org B's device", () => {
    it('cannot validate it (POST or GET): it is not registered in org A', async () => {
      expect((await orgA.post('/api/v1/devices/validate', { deviceId: 'b-device' })).body.code).toBe('DEVICE_NOT_REGISTERED');
      expect((await orgA.get('/api/v1/devices/validate?deviceId=b-device')).body).toMatchObject({ valid: false, code: 'DEVICE_NOT_REGISTERED' });
      await bDeviceStillAllowed();
    });

    it('cannot see it in list, usage or history', async () => {
      expect((await orgA.get('/api/v1/devices/list')).body.devices).toEqual([]);
      expect((await orgA.get('/api/v1/usage')).body).toMatchObject({ devicesUsed: 0, devicesTotal: 0 });
      const history = (await orgA.get('/api/v1/devices/history?deviceId=b-device')).body.events as { streamId: string; data: { orgId: string } }[];
      expect(history.filter((entry) => entry.streamId.startsWith('org-'))).toEqual([]);
      expect(history.every((entry) => entry.data.orgId === orgAId)).toBe(true);
    });

    it.each([
      ['/api/v1/devices/revoke', { deviceId: 'b-device' }],
      ['/api/v1/devices/unrevoke', { deviceId: 'b-device' }],
      ['/api/v1/devices/remove', { deviceId: 'b-device' }],
    ])('cannot touch it through %s (404 device_not_found)', async (path, body) => {
      const response = await orgA.post(path, body);
      expect([response.status, response.body.error]).toEqual([404, 'device_not_found']);
      await bDeviceStillAllowed();
    });

    it.each(['/api/v1/devices/revoke_batch', '/api/v1/devices/unrevoke_batch'])('cannot touch it through %s', async (path) => {
      const response = await orgA.post(path, { deviceIds: ['b-device'] });
      expect(response.body.results).toEqual([{ deviceId: 'b-device', result: 'not_found', ok: false }]);
      await bDeviceStillAllowed();
    });

    it("a lock of org A naming its deviceId leaves it allowed, and A cannot list or lift B's locks", async () => {
      const lockA = await orgA.post('/api/v1/locks', { selector: { deviceId: 'b-device' }, reason: 'drill' });
      expect(lockA.body).toMatchObject({ status: 'ok', matched: 0 });
      const lockB = await orgB.post('/api/v1/locks', { selector: { deviceId: 'nobody' }, reason: 'drill' });
      expect((await orgA.get('/api/v1/locks')).body.locks.map((lock: { lockId: string }) => lock.lockId)).toEqual([lockA.body.lockId]);
      const lift = await orgA.post('/api/v1/locks/remove', { lockId: lockB.body.lockId });
      expect([lift.status, lift.body.error]).toEqual([404, 'lock_not_found']);
      await bDeviceStillAllowed();
      await orgA.post('/api/v1/locks/remove', { lockId: lockA.body.lockId });
      await orgB.post('/api/v1/locks/remove', { lockId: lockB.body.lockId });
    });

    it("registering the same deviceId creates org A's own device, not B's", async () => {
      await orgA.post('/api/v1/devices/register', { deviceId: 'b-device' });
      await orgA.post('/api/v1/devices/revoke', { deviceId: 'b-device' });
      await orgA.post('/api/v1/org/limits', { limit: 0 });
      await bDeviceStillAllowed();
    });

    it("suspending org A leaves org B's devices allowed, and org B's keys cannot be revoked by A", async () => {
      expect((await orgA.post('/api/v1/org/suspend', { reason: 'drill' })).status).toBe(200);
      const revokeKey = await orgA.post('/api/v1/org/keys/revoke', { keyId: orgBKeyId });
      expect([revokeKey.status, revokeKey.body.error]).toEqual([404, 'key_not_found']);
      await bDeviceStillAllowed();
      await orgA.post('/api/v1/org/resume');
    });
  });

  describe('a runtime-scoped key', () => {
    let runtime: WardenHttp;

    beforeAll(async () => {
      const issued = await orgB.post('/api/v1/org/keys', { scope: 'runtime' });
      expect(issued.body).toMatchObject({ scope: 'runtime', key: expect.stringMatching(/^rt_/) });
      runtime = http.withKey(issued.body.key);
    });

    it('can register and validate', async () => {
      expect((await runtime.post('/api/v1/devices/register', { deviceId: 'rt-device' })).body.status).toBe('ok');
      expect((await runtime.post('/api/v1/devices/validate', { deviceId: 'rt-device' })).body.code).toBe('ALLOW');
    });

    it.each([
      ['/api/v1/devices/revoke', { deviceId: 'b-device' }],
      ['/api/v1/devices/unrevoke', { deviceId: 'b-device' }],
      ['/api/v1/devices/remove', { deviceId: 'b-device' }],
      ['/api/v1/devices/revoke_batch', { deviceIds: ['b-device'] }],
      ['/api/v1/devices/unrevoke_batch', { deviceIds: ['b-device'] }],
      ['/api/v1/org/limits', { limit: 1000 }],
      ['/api/v1/org/suspend', { reason: 'x' }],
      ['/api/v1/org/resume', undefined],
      ['/api/v1/org/keys', { scope: 'admin' }],
      ['/api/v1/org/keys/revoke', { keyId: 'key_x' }],
      ['/api/v1/locks', { selector: { deviceId: 'b-device' }, reason: 'x' }],
      ['/api/v1/locks/remove', { lockId: 'x' }],
    ])('gets 403 forbidden_scope on %s', async (path, body) => {
      const response = await runtime.post(path, body);
      expect([response.status, response.body.error]).toEqual([403, 'forbidden_scope']);
      await bDeviceStillAllowed();
    });

    it('gets 403 on the admin read endpoints', async () => {
      for (const path of ['/api/v1/devices/list', '/api/v1/usage', '/api/v1/devices/history?deviceId=b-device', '/api/v1/locks']) {
        expect((await runtime.get(path)).status).toBe(403);
      }
    });

    it('stops working once revoked', async () => {
      const issued = await orgB.post('/api/v1/org/keys', { scope: 'runtime' });
      expect((await orgB.post('/api/v1/org/keys/revoke', { keyId: issued.body.keyId })).status).toBe(200);
      const response = await http.withKey(issued.body.key).post('/api/v1/devices/validate', { deviceId: 'b-device' });
      expect([response.status, response.body.error]).toEqual([401, 'invalid_key']);
    });
  });

  it("refuses to revoke an org's last admin key", async () => {
    const response = await orgB.post('/api/v1/org/keys/revoke', { keyId: orgBKeyId });
    expect([response.status, response.body.error]).toEqual([409, 'last_admin_key']);
  });
});
