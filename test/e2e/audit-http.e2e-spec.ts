import { deviceHistory, exportOrgLines, orgStateAt } from '@warden/audit';
import { decideValidation } from '@warden/domain';
import { PermissionProjection } from '@warden/projection';
import { deviceView, usageFields } from '../../apps/control-plane/src/http/envelopes';
import { seedDecisions, seedDevices } from '../support/audit-ledger.seed';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';
import { getRaw } from '../support/open-loop';

describe('audit over HTTP', () => {
  let cp: RunningControlPlane;
  let http: WardenHttp;

  beforeAll(async () => {
    cp = await startControlPlane();
    http = new WardenHttp(cp.url);
  });
  afterAll(() => cp.close({ removeData: true }));

  it("pages an org's decisions for one device, and never shows another org's", async () => {
    const a = await createOrg(http, ADMIN_TOKEN);
    const b = await createOrg(http, ADMIN_TOKEN);
    const orgA = http.withKey(a.orgKey);
    const orgB = http.withKey(b.orgKey);
    await orgA.post('/api/v1/devices/register', { deviceId: 'h-1' });
    await orgB.post('/api/v1/devices/register', { deviceId: 'h-1' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await orgA.post('/api/v1/devices/validate', { deviceId: 'h-1' })).body.request_id);
    await orgB.post('/api/v1/devices/validate', { deviceId: 'h-1' });

    const first = await orgA.get('/api/v1/audit/decisions?deviceId=h-1&limit=3');
    expect(first.status).toBe(200);
    expect(first.body.decisions.map((d: { decisionId: string }) => d.decisionId)).toEqual(ids.slice(0, 3));
    const second = await orgA.get(`/api/v1/audit/decisions?deviceId=h-1&limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body.decisions.map((d: { decisionId: string }) => d.decisionId)).toEqual(ids.slice(3));
    expect([...first.body.decisions, ...second.body.decisions].every((d: { orgId: string }) => d.orgId === a.orgId)).toBe(true);
  });

  it('answers the state at a position before and after a revoke', async () => {
    const { orgKey } = await createOrg(http, ADMIN_TOKEN);
    const org = http.withKey(orgKey);
    const registered = await org.post('/api/v1/devices/register', { deviceId: 's-1' });
    const before = (await org.post('/api/v1/devices/validate', { deviceId: 's-1' })).body.position;
    const revoked = await org.post('/api/v1/devices/revoke', { deviceId: 's-1' });
    expect(registered.status).toBe(200);
    const then = await org.get(`/api/v1/audit/state?at=${before}`);
    const now = await org.get(`/api/v1/audit/state?at=${revoked.body.position}`);
    expect(then.body.devices).toEqual([expect.objectContaining({ deviceId: 's-1', allowed: true, code: 'ALLOW' })]);
    expect(now.body.devices).toEqual([expect.objectContaining({ deviceId: 's-1', allowed: false, code: 'DEVICE_REVOKED' })]);
  });

  it("streams the org's records as NDJSON, only its own", async () => {
    const a = await createOrg(http, ADMIN_TOKEN);
    const b = await createOrg(http, ADMIN_TOKEN);
    await http.withKey(a.orgKey).post('/api/v1/devices/register', { deviceId: 'x-1' });
    await http.withKey(b.orgKey).post('/api/v1/devices/register', { deviceId: 'x-1' });
    const response = await http.withKey(a.orgKey).get('/api/v1/audit/export');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    const records = String(response.body).trim().split('\n').map((line) => JSON.parse(line));
    expect(records.map((r: { type: string }) => r.type)).toEqual(['OrgCreated', 'OrgKeyIssued', 'DeviceRegistered']);
    expect(JSON.stringify(records)).not.toContain(b.orgId);
  });

  it('answers long history, state, list and export (paged reads, streamed answers) exactly as one read of the ledger would', async () => {
    const { orgId, orgKey } = await createOrg(http, ADMIN_TOKEN);
    await http.withKey(orgKey).post('/api/v1/org/limits', { limit: 1000 });
    const position = await seedDevices(cp.ledger, orgId, 600);
    await cp.app.get(PermissionProjection).waitForPosition(position);
    await http.withKey(orgKey).post('/api/v1/devices/revoke', { deviceId: 'r3' });
    await seedDecisions(cp.ledger, orgId, { count: 2000, devices: 3 });
    const get = async (path: string) => {
      const answer = await getRaw(cp.url, path, { 'x-org-key': orgKey });
      expect([answer.status, answer.headers['x-content-type-options']]).toEqual([200, 'nosniff']);
      return answer.text;
    };

    const history = await deviceHistory(cp.ledger, orgId, 'd1', { pageSize: 100_000 });
    expect(history.length).toBeGreaterThan(600);
    expect(await get('/api/v1/devices/history?deviceId=d1')).toBe(JSON.stringify({ status: 'ok', handler: 'devices/history', deviceId: 'd1', events: history }));

    const state = await orgStateAt(cp.ledger, orgId, { position: 2n ** 62n }, { pageSize: 100_000 });
    expect(state.devices).toHaveLength(600);
    expect(await get(`/api/v1/audit/state?at=${2n ** 62n}`)).toBe(JSON.stringify({ status: 'ok', handler: 'audit/state', ...state }));

    const org = cp.app.get(PermissionProjection).org(orgId)!;
    // Leases are off for this org: no device holds a lease, so the view has none.
    const devices = [...org.devices.values()].map((device) => deviceView(device, decideValidation(org, device.deviceId, Date.now()).code, undefined));
    const list = { status: 'ok', handler: 'devices/list', orgId, count: 600, devices, ...usageFields(org) };
    expect(await get('/api/v1/devices/list')).toBe(JSON.stringify(list));

    let exported = '';
    for await (const line of exportOrgLines(cp.ledger, { orgId, pageSize: 100_000 })) exported += line;
    // OrgCreated, OrgKeyIssued, DeviceLimitSet, 600 registrations, a revoke, 2000 decisions, and the final newline.
    expect(exported.split('\n')).toHaveLength(3 + 600 + 1 + 2000 + 1);
    expect(await get('/api/v1/audit/export')).toBe(exported);
  });

  it('refuses runtime keys and bad queries', async () => {
    const { orgKey } = await createOrg(http, ADMIN_TOKEN);
    const runtime = http.withKey((await http.withKey(orgKey).post('/api/v1/org/keys', { scope: 'runtime' })).body.key);
    for (const path of ['/api/v1/audit/decisions', '/api/v1/audit/state?at=1', '/api/v1/audit/export']) {
      expect((await runtime.get(path)).status).toBe(403);
    }
    const bad = await http.withKey(orgKey).get('/api/v1/audit/state?at=yesterday');
    expect([bad.status, bad.body.error]).toEqual([400, 'invalid_request']);
  });
});
