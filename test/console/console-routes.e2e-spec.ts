import { CreateOrgResponseDto, IssueKeyResponseDto, KeyListResponseDto, OrgChangeResponseDto, OrgResponseDto, RevokeKeyResponseDto } from '../../apps/control-plane/src/http/org.responses';
import { ErrorBodyDto, UsageResponseDto } from '../../apps/control-plane/src/http/common.responses';
import {
  DeviceBatchResponseDto,
  DeviceCommandResponseDto,
  DeviceHistoryResponseDto,
  DeviceListResponseDto,
  LegacyValidateResponseDto,
  RegisterResponseDto,
  ValidateResponseDto,
} from '../../apps/control-plane/src/http/devices.responses';
import { ControlEventPageResponseDto, DecisionPageResponseDto, DecisionSummaryResponseDto } from '../../apps/control-plane/src/http/audit.responses';
import { LiftLockResponseDto, LockListResponseDto, PlaceLockResponseDto } from '../../apps/control-plane/src/http/locks.responses';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp, type JsonResponse } from '../support/http-client';
import { SseReader } from '../support/sse-reader';
import type { z } from 'zod';

/**
 * The routes added for the operator console (GET org, org/keys, org/watch, audit/events,
 * audit/decisions/summary, the code and allowed filters of audit/decisions), and the response
 * schemas of the OpenAPI document (the console's types) checked against real answers: a
 * schema is strict, so an answer with a field it does not document fails here.
 */
describe('the API routes of the console', () => {
  let cp: RunningControlPlane;
  let http: WardenHttp;

  beforeAll(async () => {
    cp = await startControlPlane({ env: { WARDEN_HEARTBEAT_INTERVAL_MS: '100' } });
    http = new WardenHttp(cp.url);
  });
  afterAll(() => cp.close({ removeData: true }));

  async function newOrg(name = 'acme') {
    const org = await createOrg(http, ADMIN_TOKEN, { name, planTier: 'pro' });
    const admin = http.withKey(org.orgKey);
    const runtimeKey = (await admin.post('/api/v1/org/keys', { scope: 'runtime' })).body.key as string;
    return { ...org, admin, runtime: http.withKey(runtimeKey) };
  }

  /** A 200 whose body its documented schema parses (strictly); the body, typed by that schema. */
  function ok<S extends z.ZodType>(response: JsonResponse, schema: S): z.output<S> {
    expect(response.status).toBe(200);
    return schema.parse(response.body);
  }

  describe('GET org', () => {
    it("answers the org's name, state, suspension reason and devices allowed now", async () => {
      const { admin, orgId } = await newOrg('acme');
      await admin.post('/api/v1/devices/register', { deviceId: 'd-1' });
      await admin.post('/api/v1/devices/register', { deviceId: 'd-2' });
      await admin.post('/api/v1/devices/revoke', { deviceId: 'd-2' });
      expect(ok(await admin.get('/api/v1/org'), OrgResponseDto.schema)).toMatchObject({ orgId, name: 'acme', planState: 'active', suspendedReason: null, devicesAllowed: 1, devicesUsed: 1, limit: 25 });
      await admin.post('/api/v1/org/suspend', { reason: 'incident 42' });
      expect(ok(await admin.get('/api/v1/org'), OrgResponseDto.schema)).toMatchObject({ planState: 'suspended', suspendedReason: 'incident 42', devicesAllowed: 0 });
    });

    it('refuses runtime keys (403 forbidden_scope) and requests without a key (401)', async () => {
      const { runtime } = await newOrg();
      const refused = await runtime.get('/api/v1/org');
      expect([refused.status, refused.body.error]).toEqual([403, 'forbidden_scope']);
      ErrorBodyDto.schema.parse(refused.body);
      expect((await http.get('/api/v1/org')).status).toBe(401);
    });
  });

  describe('GET org/keys', () => {
    it("lists the org's active keys, marks the caller's own, and never shows a key or a hash", async () => {
      const { admin, keyId, orgKey } = await newOrg();
      const body = ok(await admin.get('/api/v1/org/keys'), KeyListResponseDto.schema);
      expect(body.keys).toEqual([
        { keyId, scope: 'admin', issuedAt: expect.any(String), current: true },
        { keyId: expect.stringMatching(/^key_/), scope: 'runtime', issuedAt: expect.any(String), current: false },
      ]);
      expect(JSON.stringify(body)).not.toMatch(/hash|rt_|org_/i);
      expect(JSON.stringify(body)).not.toContain(orgKey);
      const revoked = ok(await admin.post('/api/v1/org/keys/revoke', { keyId: body.keys[1]!.keyId }), RevokeKeyResponseDto.schema);
      expect(revoked.keyId).toBe(body.keys[1]!.keyId);
      expect((await admin.get('/api/v1/org/keys')).body.count).toBe(1);
    });

    it("shows no other org's keys, and refuses runtime keys", async () => {
      const a = await newOrg();
      const b = await newOrg();
      const keysOfA = (await a.admin.get('/api/v1/org/keys')).body.keys.map((key: { keyId: string }) => key.keyId);
      expect(keysOfA).not.toContain(b.keyId);
      expect((await a.runtime.get('/api/v1/org/keys')).status).toBe(403);
    });
  });

  describe('GET org/watch', () => {
    it("streams the org's state, then every permission change of its devices, and nothing of another org", async () => {
      const a = await newOrg();
      const b = await newOrg();
      const watch = await SseReader.open(`${cp.url}/api/v1/org/watch`, { 'x-org-key': a.orgKey });
      try {
        expect(watch.status).toBe(200);
        expect(await watch.nextJson('permission')).toMatchObject({ orgId: a.orgId, deviceId: null, allowed: true, code: 'ALLOW' });
        await b.admin.post('/api/v1/devices/register', { deviceId: 'other-org' });
        await a.admin.post('/api/v1/devices/register', { deviceId: 'w-1' });
        expect(await watch.nextJson('permission')).toMatchObject({ orgId: a.orgId, deviceId: 'w-1', allowed: true, code: 'ALLOW' });
        await a.admin.post('/api/v1/devices/revoke', { deviceId: 'w-1' });
        expect(await watch.nextJson('permission')).toMatchObject({ deviceId: 'w-1', allowed: false, code: 'DEVICE_REVOKED' });
        await a.admin.post('/api/v1/org/suspend', { reason: 'x' });
        expect(await watch.nextJson('permission')).toMatchObject({ deviceId: null, code: 'ORG_SUSPENDED' });
        await watch.next('heartbeat');
        expect(watch.pending('permission')).toEqual([]);
      } finally {
        watch.close();
      }
    });

    it('refuses runtime keys, and ends when its key is revoked', async () => {
      const { admin, runtime } = await newOrg();
      const refused = await runtime.get('/api/v1/org/watch');
      expect([refused.status, refused.body.error]).toEqual([403, 'forbidden_scope']);
      const second = (await admin.post('/api/v1/org/keys', { scope: 'admin' })).body as { key: string; keyId: string };
      const response = await fetch(`${cp.url}/api/v1/org/watch`, { headers: { 'x-org-key': second.key } });
      expect(response.status).toBe(200);
      await admin.post('/api/v1/org/keys/revoke', { keyId: second.keyId });
      // The body ends (the server completes the stream at its next heartbeat).
      expect(await response.text()).toContain('event: permission');
    });
  });

  describe('GET audit/events', () => {
    it('pages the control events with their actors, filtered by device and time, without key hashes', async () => {
      const { admin, keyId } = await newOrg();
      await admin.post('/api/v1/devices/register', { deviceId: 'e-1' });
      await admin.post('/api/v1/devices/register', { deviceId: 'e-2' });
      await admin.post('/api/v1/devices/revoke', { deviceId: 'e-1', reason: 'runaway' });
      const all = ok(await admin.get('/api/v1/audit/events'), ControlEventPageResponseDto.schema);
      expect(all.events.map((event) => event.type)).toEqual(['OrgCreated', 'OrgKeyIssued', 'OrgKeyIssued', 'DeviceRegistered', 'DeviceRegistered', 'DeviceRevoked']);
      expect(all.events.at(-1)).toMatchObject({ type: 'DeviceRevoked', actor: keyId, deviceId: 'e-1', data: { reason: 'runaway' } });
      expect(JSON.stringify(all)).not.toContain('keyHash');
      expect(all.nextCursor).toBeNull();

      const mine = ok(await admin.get('/api/v1/audit/events?deviceId=e-1'), ControlEventPageResponseDto.schema);
      expect(mine.events.map((event) => event.type)).toEqual(['DeviceRegistered', 'DeviceRevoked']);
      const first = ok(await admin.get('/api/v1/audit/events?limit=4'), ControlEventPageResponseDto.schema);
      const rest = ok(await admin.get(`/api/v1/audit/events?limit=4&cursor=${first.nextCursor}`), ControlEventPageResponseDto.schema);
      expect([...first.events, ...rest.events].map((event) => event.position)).toEqual(all.events.map((event) => event.position));
      const future = ok(await admin.get(`/api/v1/audit/events?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`), ControlEventPageResponseDto.schema);
      expect(future.events).toEqual([]);
      expect((await admin.get('/api/v1/audit/events?cursor=x')).status).toBe(400);
    });
  });

  describe('GET audit/decisions/summary and the filters of audit/decisions', () => {
    it("counts this org's recorded decisions per minute and code, and filters decisions by code and outcome", async () => {
      const a = await newOrg();
      const b = await newOrg();
      await a.admin.post('/api/v1/devices/register', { deviceId: 's-1' });
      for (let i = 0; i < 3; i++) await a.runtime.post('/api/v1/devices/validate', { deviceId: 's-1' });
      await a.runtime.post('/api/v1/devices/validate', { deviceId: 'unknown' });
      await b.runtime.post('/api/v1/devices/validate', { deviceId: 'unknown' });
      const summary = ok(await a.admin.get('/api/v1/audit/decisions/summary'), DecisionSummaryResponseDto.schema);
      expect(summary).toMatchObject({ minutes: 15, complete: true });
      expect(summary.buckets).toHaveLength(15);
      const totals: Record<string, number> = {};
      for (const bucket of summary.buckets) for (const [code, count] of Object.entries(bucket.counts)) totals[code] = (totals[code] ?? 0) + count;
      expect(totals).toEqual({ ALLOW: 3, DEVICE_NOT_REGISTERED: 1 });
      expect((await a.admin.get('/api/v1/audit/decisions/summary?minutes=61')).status).toBe(400);
      expect((await a.runtime.get('/api/v1/audit/decisions/summary')).status).toBe(403);

      const denied = ok(await a.admin.get('/api/v1/audit/decisions?allowed=false'), DecisionPageResponseDto.schema);
      expect(denied.decisions.map((decision) => decision.code)).toEqual(['DEVICE_NOT_REGISTERED']);
      const allowed = ok(await a.admin.get('/api/v1/audit/decisions?code=ALLOW'), DecisionPageResponseDto.schema);
      expect(allowed.decisions.map((decision) => decision.code)).toEqual(['ALLOW', 'ALLOW', 'ALLOW']);
      expect((await a.admin.get('/api/v1/audit/decisions?code=NOPE')).status).toBe(400);
    });
  });

  describe('the documented response schemas', () => {
    it('describe the real answers of the routes the console uses', async () => {
      const created = await http.withAdminToken(ADMIN_TOKEN).post('/api/v1/org/create', { name: 'schemas' });
      ok(created, CreateOrgResponseDto.schema);
      const admin = http.withKey(created.body.orgApiKey as string);
      ok(await admin.post('/api/v1/devices/register', { deviceId: 'r-1', labels: { team: 'a' } }), RegisterResponseDto.schema);
      ok(await admin.post('/api/v1/devices/register', { deviceId: 'r-2' }), RegisterResponseDto.schema);
      ok(await admin.post('/api/v1/devices/validate', { deviceId: 'r-1' }), ValidateResponseDto.schema);
      ok(await admin.get('/api/v1/devices/validate?deviceId=r-1'), LegacyValidateResponseDto.schema);
      ok(await admin.get('/api/v1/usage'), UsageResponseDto.schema);
      ok(await admin.post('/api/v1/devices/revoke', { deviceId: 'r-1', reason: 'x' }), DeviceCommandResponseDto.schema);
      ok(await admin.get('/api/v1/devices/list'), DeviceListResponseDto.schema);
      ok(await admin.post('/api/v1/devices/unrevoke', { deviceId: 'r-1' }), DeviceCommandResponseDto.schema);
      ok(await admin.post('/api/v1/devices/revoke_batch', { deviceIds: ['r-1', 'r-2', 'none'] }), DeviceBatchResponseDto.schema);
      ok(await admin.post('/api/v1/devices/unrevoke_batch', { deviceIds: ['r-1'] }), DeviceBatchResponseDto.schema);
      ok(await admin.get('/api/v1/devices/history?deviceId=r-1'), DeviceHistoryResponseDto.schema);
      const lock = ok(await admin.post('/api/v1/locks', { selector: { labels: { team: 'a' } }, reason: 'r', expiresAt: new Date(Date.now() + 3_600_000).toISOString() }), PlaceLockResponseDto.schema);
      ok(await admin.get('/api/v1/locks'), LockListResponseDto.schema);
      ok(await admin.post('/api/v1/locks/remove', { lockId: lock.lockId }), LiftLockResponseDto.schema);
      ok(await admin.post('/api/v1/org/suspend', { reason: 'drill' }), OrgChangeResponseDto.schema);
      ok(await admin.post('/api/v1/org/resume'), OrgChangeResponseDto.schema);
      ok(await admin.post('/api/v1/org/limits', { limit: 10 }), OrgChangeResponseDto.schema);
      ok(await admin.post('/api/v1/org/keys', { scope: 'runtime' }), IssueKeyResponseDto.schema);
      ok(await admin.get('/api/v1/org'), OrgResponseDto.schema);
      ok(await admin.get('/api/v1/audit/decisions'), DecisionPageResponseDto.schema);
      const refused = await admin.post('/api/v1/devices/revoke', { deviceId: 'none' });
      expect(refused.status).toBe(404);
      ErrorBodyDto.schema.parse(refused.body);
    });
  });
});
