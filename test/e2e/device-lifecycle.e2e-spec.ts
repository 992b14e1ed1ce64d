import { orgStream } from '@warden/ledger';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';

describe('device lifecycle over HTTP (SQLite ledger)', () => {
  let cp: RunningControlPlane;
  let http: WardenHttp;

  beforeAll(async () => {
    cp = await startControlPlane();
    http = new WardenHttp(cp.url);
  });
  afterAll(() => cp.close({ removeData: true }));

  it('registers, validates, revokes and denies with DEVICE_REVOKED on the same node at once', async () => {
    const { orgKey, orgId } = await createOrg(http, ADMIN_TOKEN, { name: 'acme' });
    const org = http.withKey(orgKey);

    const registered = await org.post('/api/v1/devices/register', { deviceId: 'agent-01' });
    expect(registered.status).toBe(200);
    expect(registered.body).toMatchObject({
      status: 'ok',
      handler: 'devices/register',
      deviceId: 'agent-01',
      planTier: 'free',
      planState: 'active',
      accessUntil: null,
      limit: 3,
      devicesUsed: 1,
      remaining: 2,
      overLimit: false,
      softGraceWindow: false,
    });
    // Like every command, it answers the ledger position of its event (a consistency token).
    const afterRegister = await cp.ledger.readStream(orgStream(orgId));
    expect(registered.body.position).toBe(afterRegister[afterRegister.length - 1]!.position.toString());
    expect((await org.post('/api/v1/devices/register', { deviceId: 'agent-01' })).body.status).toBe('exists');

    const allowed = await org.post('/api/v1/devices/validate', { deviceId: 'agent-01' });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({ allowed: true, code: 'ALLOW', status: 'ok', deviceId: 'agent-01' });
    expect(allowed.body.request_id).toEqual(expect.any(String));

    const revoked = await org.post('/api/v1/devices/revoke', { deviceId: 'agent-01', reason: 'runaway loop' });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'ok', result: 'revoked', devicesUsed: 0 });

    const denied = await org.post('/api/v1/devices/validate', { deviceId: 'agent-01' });
    expect(denied.body).toMatchObject({ allowed: false, code: 'DEVICE_REVOKED', status: 'revoked' });

    const legacy = await org.get('/api/v1/devices/validate?deviceId=agent-01');
    expect(legacy.body).toMatchObject({ valid: false, revoked: true, allowed: false, code: 'DEVICE_REVOKED' });

    const events = await cp.ledger.readStream(orgStream(orgId));
    expect(events.map((event) => event.type)).toEqual(['OrgCreated', 'OrgKeyIssued', 'DeviceRegistered', 'DeviceRevoked']);
  });
});
