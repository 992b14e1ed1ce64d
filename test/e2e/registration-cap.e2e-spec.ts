import { orgStream } from '@warden/ledger';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';

describe('device cap under concurrent registration', () => {
  let cp: RunningControlPlane;
  let http: WardenHttp;

  beforeAll(async () => {
    cp = await startControlPlane();
    http = new WardenHttp(cp.url);
  });
  afterAll(() => cp.close({ removeData: true }));

  it('admits exactly 25 of 50 concurrent registrations against a cap of 25', async () => {
    const { orgKey, orgId } = await createOrg(http, ADMIN_TOKEN, { planTier: 'pro' });
    const org = http.withKey(orgKey);
    const deviceIds = Array.from({ length: 50 }, (_, i) => `worker-${i}`);

    const answers = await Promise.all(deviceIds.map((deviceId) => org.post('/api/v1/devices/register', { deviceId })));

    const ok = answers.filter((answer) => answer.status === 200 && answer.body.status === 'ok');
    const refused = answers.filter((answer) => answer.status === 403);
    expect(ok).toHaveLength(25);
    expect(refused).toHaveLength(25);
    for (const answer of refused) {
      expect(answer.body).toMatchObject({ status: 'limit_reached', error: 'device_limit_reached', limit: 25, devicesUsed: 25, remaining: 0, overLimit: true });
    }
    const events = await cp.ledger.readStream(orgStream(orgId));
    expect(events.filter((event) => event.type === 'DeviceRegistered')).toHaveLength(25);
  });

  it('puts every refused registration on the record as a LIMIT_EXCEEDED decision', async () => {
    const { orgKey, orgId } = await createOrg(http, ADMIN_TOKEN, { planTier: 'free' });
    const org = http.withKey(orgKey);
    for (const deviceId of ['a', 'b', 'c']) expect((await org.post('/api/v1/devices/register', { deviceId })).status).toBe(200);

    const refused = await org.post('/api/v1/devices/register', { deviceId: 'd' });

    expect(refused.status).toBe(403);
    const records = await cp.decisions();
    const record = records.find((event) => (event.data as { decisionId: string }).decisionId === refused.body.request_id);
    expect(record?.data).toMatchObject({ orgId, deviceId: 'd', action: 'register', allowed: false, code: 'LIMIT_EXCEEDED' });
  });
});
