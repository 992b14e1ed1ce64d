import { LeaseExpirer } from '@warden/enforcement';
import { orgStream } from '@warden/ledger';
import { PermissionProjection } from '@warden/projection';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';
import { leaseExpired, leaseExpiries, until } from '../support/ledger-events';

const TTL = 5;
/** The promise of the issue: a lapsed device is expired within TTL + max(1 s, 10% of TTL). */
const GRACE_MS = Math.max(1000, TTL * 100);

describe('leases', () => {
  let cp: RunningControlPlane;
  let http: WardenHttp;

  beforeAll(async () => {
    cp = await startControlPlane();
    http = new WardenHttp(cp.url);
  });
  afterAll(() => cp.close({ removeData: true }));

  async function newOrg(leaseTtlSeconds: number | null, body: Record<string, unknown> = { planTier: 'pro' }) {
    const { orgKey, orgId } = await createOrg(http, ADMIN_TOKEN, body);
    const org = http.withKey(orgKey);
    if (leaseTtlSeconds !== null) expect((await org.post('/api/v1/org/policy', { leaseTtlSeconds })).status).toBe(200);
    return { orgId, orgKey, org };
  }

  describe('POST org/policy', () => {
    it('turns leases on and off as control events; usage shows leaseTtlSeconds and devicesLive', async () => {
      const { orgId, org } = await newOrg(null);
      expect((await org.get('/api/v1/usage')).body).toMatchObject({ leaseTtlSeconds: null, devicesLive: null });

      const on = await org.post('/api/v1/org/policy', { leaseTtlSeconds: 30 });
      expect(on.body).toMatchObject({ status: 'ok', handler: 'org/policy', leaseTtlSeconds: 30, position: expect.any(String) });
      await org.post('/api/v1/devices/register', { deviceId: 'a' });
      await org.post('/api/v1/devices/register', { deviceId: 'b' });
      expect((await org.get('/api/v1/usage')).body).toMatchObject({ leaseTtlSeconds: 30, devicesLive: 2, devicesUsed: 2 });

      expect((await org.post('/api/v1/org/policy', { leaseTtlSeconds: null })).body).toMatchObject({ leaseTtlSeconds: null });
      expect((await org.get('/api/v1/usage')).body).toMatchObject({ leaseTtlSeconds: null, devicesLive: null });
      const policies = (await cp.ledger.readStream(orgStream(orgId))).filter((event) => event.type === 'OrgPolicySet');
      expect(policies.map((event) => (event.data as { leaseTtlSeconds: number | null }).leaseTtlSeconds)).toEqual([30, null]);
    });

    it.each([
      ['below the minimum', { leaseTtlSeconds: 4 }, 400, 'invalid_lease_ttl'],
      ['above the maximum', { leaseTtlSeconds: 86_401 }, 400, 'invalid_lease_ttl'],
      ['not whole seconds', { leaseTtlSeconds: 7.5 }, 400, 'invalid_lease_ttl'],
      ['not a number', { leaseTtlSeconds: '30' }, 400, 'invalid_request'],
      ['missing', {}, 400, 'invalid_request'],
      ['with an unknown field', { leaseTtlSeconds: 30, grace: 1 }, 400, 'invalid_request'],
    ])('refuses a TTL %s, writing nothing', async (_name, body, status, error) => {
      const { org } = await newOrg(null);
      const before = await cp.ledger.headPosition();
      const answer = await org.post('/api/v1/org/policy', body);
      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject({ status: 'error', error });
      expect(await cp.ledger.headPosition()).toBe(before);
    });

    it('is for admin keys only', async () => {
      const { org } = await newOrg(null);
      const runtimeKey = (await org.post('/api/v1/org/keys', { scope: 'runtime' })).body.key as string;
      const answer = await http.withKey(runtimeKey).post('/api/v1/org/policy', { leaseTtlSeconds: 30 });
      expect(answer.status).toBe(403);
      expect(answer.body.error).toBe('forbidden_scope');
    });
  });

  describe('POST devices/heartbeat', () => {
    it('renews the lease and answers the verdict, recorded like a validation, the org stream untouched', async () => {
      const { orgId, org } = await newOrg(30);
      await org.post('/api/v1/devices/register', { deviceId: 'hb-1' });
      const revision = (await cp.ledger.readStream(orgStream(orgId))).length;

      const answer = await org.post('/api/v1/devices/heartbeat', { deviceId: 'hb-1' });

      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        status: 'ok',
        handler: 'devices/heartbeat',
        orgId,
        deviceId: 'hb-1',
        expiresAt: expect.any(String),
        leaseTtlSeconds: 30,
        allowed: true,
        code: 'ALLOW',
        request_id: expect.any(String),
        position: expect.any(String),
      });
      const record = (await cp.decisions()).find((event) => event.eventId === answer.body.request_id)!;
      expect(record.data).toMatchObject({ action: 'heartbeat', deviceId: 'hb-1', allowed: true, code: 'ALLOW' });
      const decidedAt = Date.parse((record.data as { decidedAt: string }).decidedAt);
      expect(answer.body.expiresAt).toBe(new Date(decidedAt + 30_000).toISOString());
      expect(await cp.ledger.readStream(orgStream(orgId))).toHaveLength(revision);
      const listed = (await org.get('/api/v1/devices/list')).body.devices.find((device: { deviceId: string }) => device.deviceId === 'hb-1');
      expect(listed).toMatchObject({ lastSeenAt: new Date(decidedAt).toISOString(), leaseExpiresAt: answer.body.expiresAt });
    });

    it('answers the same through Fastify, for the requests the fast path leaves (a query string, a 403)', async () => {
      const { org } = await newOrg(30);
      await org.post('/api/v1/devices/register', { deviceId: 'via-fastify' });
      const ok = await org.post('/api/v1/devices/heartbeat?via=fastify', { deviceId: 'via-fastify' });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ status: 'ok', deviceId: 'via-fastify', allowed: true, leaseTtlSeconds: 30 });
      const refused = await org.post('/api/v1/devices/heartbeat?via=fastify', { deviceId: 'nobody' });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ status: 'error', error: 'DEVICE_NOT_REGISTERED' });
    });

    it('answers 403 with the code for an unknown or removed device, and renews nothing', async () => {
      const { org } = await newOrg(30);
      await org.post('/api/v1/devices/register', { deviceId: 'gone' });
      await org.post('/api/v1/devices/remove', { deviceId: 'gone' });

      for (const deviceId of ['never-registered', 'gone']) {
        const answer = await org.post('/api/v1/devices/heartbeat', { deviceId });
        expect(answer.status).toBe(403);
        expect(answer.body).toMatchObject({ status: 'error', error: 'DEVICE_NOT_REGISTERED', deviceId });
      }
      expect((await org.get('/api/v1/devices/list')).body.devices).toEqual([]);
      expect((await org.get('/api/v1/usage')).body.devicesLive).toBe(0);
    });

    it('with leases off: answers the verdict with no lease (expiresAt null), and list shows no lease', async () => {
      const { org } = await newOrg(null);
      await org.post('/api/v1/devices/register', { deviceId: 'plain' });
      expect((await org.post('/api/v1/devices/heartbeat', { deviceId: 'plain' })).body).toMatchObject({ allowed: true, expiresAt: null, leaseTtlSeconds: null });
      expect((await org.post('/api/v1/devices/validate', { deviceId: 'plain' })).body).not.toHaveProperty('leaseTtlSeconds');
      const [device] = (await org.get('/api/v1/devices/list')).body.devices;
      expect(device).toMatchObject({ lastSeenAt: null, leaseExpiresAt: null });
    });

    it('tells register and validate answers the TTL when leases are on', async () => {
      const { org } = await newOrg(30);
      expect((await org.post('/api/v1/devices/register', { deviceId: 'ttl' })).body).toMatchObject({ status: 'ok', leaseTtlSeconds: 30 });
      expect((await org.post('/api/v1/devices/validate', { deviceId: 'ttl' })).body).toMatchObject({ allowed: true, leaseTtlSeconds: 30 });
    });

    it('takes a runtime key for devices of its own org only', async () => {
      const a = await newOrg(30);
      const b = await newOrg(30);
      await a.org.post('/api/v1/devices/register', { deviceId: 'mine' });
      await b.org.post('/api/v1/devices/register', { deviceId: 'theirs' });
      const runtime = http.withKey((await a.org.post('/api/v1/org/keys', { scope: 'runtime' })).body.key as string);
      const before = (await b.org.get('/api/v1/devices/list')).body.devices[0].lastSeenAt as string;

      expect((await runtime.post('/api/v1/devices/heartbeat', { deviceId: 'mine' })).body).toMatchObject({ status: 'ok', orgId: a.orgId });
      const foreign = await runtime.post('/api/v1/devices/heartbeat', { deviceId: 'theirs' });
      expect(foreign.status).toBe(403);
      expect(foreign.body).toMatchObject({ error: 'DEVICE_NOT_REGISTERED' });
      expect((await b.org.get('/api/v1/devices/list')).body.devices[0].lastSeenAt).toBe(before);
    });

    it.each([
      ['no key', 401, 'missing_key', {}, { deviceId: 'x' }],
      ['an unknown key', 401, 'invalid_key', { 'x-org-key': 'org_nope' }, { deviceId: 'x' }],
      ['no deviceId', 400, 'invalid_request', undefined, {}],
      ['a bad deviceId', 400, 'invalid_request', undefined, { deviceId: 'has space' }],
      ['an unknown field', 400, 'invalid_request', undefined, { deviceId: 'x', ttl: 1 }],
      ['malformed JSON', 400, 'invalid_json', undefined, '{"deviceId":'],
    ])('answers %s with %s %s, writing nothing', async (_name, status, error, headers, body) => {
      const { orgKey } = await newOrg(30);
      const client = headers === undefined ? http.withKey(orgKey) : http;
      const before = await cp.ledger.headPosition();
      const answer = await client.post('/api/v1/devices/heartbeat', body, headers ?? {});
      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject({ status: 'error', error });
      expect(await cp.ledger.headPosition()).toBe(before);
    });
  });

  describe('expiry', () => {
    it(`expires a device that stops showing signs of life within TTL + ${GRACE_MS} ms, once; a suspended device that heartbeats stays`, async () => {
      const { orgId, org } = await newOrg(TTL);
      await org.post('/api/v1/org/limits', { limit: 2 });
      // Registered first, so without its heartbeats it would lapse no later than the quiet one.
      await org.post('/api/v1/devices/register', { deviceId: 'suspended-alive' });
      await org.post('/api/v1/devices/register', { deviceId: 'quiet' });
      await org.post('/api/v1/org/suspend', { reason: 'incident' });
      const quietSeen = Date.parse((await org.get('/api/v1/devices/list')).body.devices[1].lastSeenAt);
      const answers: any[] = [];
      const beating = setInterval(
        () => void org.post('/api/v1/devices/heartbeat', { deviceId: 'suspended-alive' }).then((a) => answers.push(a), () => undefined),
        1000,
      );
      try {
        const expired = await leaseExpired(cp.ledger, orgId, 'quiet');
        const observedAt = Date.now();

        expect(observedAt - (quietSeen + TTL * 1000)).toBeLessThanOrEqual(GRACE_MS);
        expect(Date.parse((expired.data as { at: string }).at)).toBeGreaterThanOrEqual(quietSeen + TTL * 1000);
        expect(expired.data).toMatchObject({ lastSeenAt: new Date(quietSeen).toISOString(), ttlSeconds: TTL });
        expect(expired.metadata.actor).toBe('system');
        expect(answers.length).toBeGreaterThan(0);
        for (const answer of answers) expect(answer.body).toMatchObject({ status: 'ok', allowed: false, code: 'ORG_SUSPENDED' });
      } finally {
        clearInterval(beating);
      }
      expect((await leaseExpiries(cp.ledger, orgId)).map((event) => (event.data as { deviceId: string }).deviceId)).toEqual(['quiet']);

      expect((await org.get('/api/v1/usage')).body).toMatchObject({ devicesUsed: 1, devicesLive: 1 });
      await org.post('/api/v1/org/resume');
      expect((await org.post('/api/v1/devices/validate', { deviceId: 'quiet' })).body).toMatchObject({ allowed: false, code: 'LEASE_EXPIRED' });
      const denied = await org.post('/api/v1/devices/heartbeat', { deviceId: 'quiet' });
      expect(denied.status).toBe(403);
      expect(denied.body).toMatchObject({ error: 'LEASE_EXPIRED', deviceId: 'quiet' });
      const listed = (await org.get('/api/v1/devices/list')).body.devices.find((device: { deviceId: string }) => device.deviceId === 'quiet');
      expect(listed).toMatchObject({ status: 'expired', code: 'LEASE_EXPIRED', lastSeenAt: null, leaseExpiresAt: null });

      // Its seat was released: a new device takes it; the expired one registers again only within the cap.
      expect((await org.post('/api/v1/devices/register', { deviceId: 'newcomer' })).body.status).toBe('ok');
      expect((await org.post('/api/v1/devices/register', { deviceId: 'quiet' })).body.status).toBe('limit_reached');
      await org.post('/api/v1/devices/remove', { deviceId: 'newcomer' });
      expect((await org.post('/api/v1/devices/register', { deviceId: 'quiet' })).body).toMatchObject({ status: 'ok', devicesUsed: 2 });
      expect((await org.post('/api/v1/devices/validate', { deviceId: 'quiet' })).body).toMatchObject({ allowed: true, code: 'ALLOW' });
      expect(await leaseExpiries(cp.ledger, orgId)).toHaveLength(1);
    }, 30_000);
  });
});

describe('leases across replicas and restarts', () => {
  const dataDirs: string[] = [];
  afterAll(() => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function freshDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'warden-leases-'));
    dataDirs.push(dir);
    return dir;
  }

  it('two replicas on one SQLite file racing to expire the same devices write each expiry once', async () => {
    const dataDir = freshDir();
    const env = (nodeId: string) => ({ WARDEN_LEDGER: 'sqlite', WARDEN_NODE_ID: nodeId, WARDEN_SQLITE_POLL_MS: '5' });
    const a = await startControlPlane({ dataDir, env: env('lease-a') });
    const b = await startControlPlane({ dataDir, env: env('lease-b') });
    try {
      // Both expirers are driven by hand below, so that they certainly race.
      await Promise.all([a.app.get(LeaseExpirer).stop(), b.app.get(LeaseExpirer).stop()]);
      const { orgId, orgKey } = await createOrg(new WardenHttp(a.url), ADMIN_TOKEN, { planTier: 'pro' });
      const onA = new WardenHttp(a.url).withKey(orgKey);
      await onA.post('/api/v1/org/policy', { leaseTtlSeconds: TTL });
      let last = '0';
      for (let i = 0; i < 10; i++) last = (await onA.post('/api/v1/devices/register', { deviceId: `r-${i}` })).body.position;
      const lastSeen = Date.parse((await onA.get('/api/v1/devices/list')).body.devices[9].lastSeenAt);
      await b.app.get(PermissionProjection).waitForPosition(BigInt(last));

      await until(lastSeen + TTL * 1000 + 1);
      const [onNodeA, onNodeB] = await Promise.all([a.app.get(LeaseExpirer).runOnce(), b.app.get(LeaseExpirer).runOnce()]);

      expect(onNodeA + onNodeB).toBe(10);
      expect(await leaseExpiries(a.ledger, orgId)).toHaveLength(10);
      const usageOnB = await new WardenHttp(b.url).withKey(orgKey).get('/api/v1/usage');
      expect(usageOnB.body).toMatchObject({ devicesUsed: 0, devicesLive: 0 });
    } finally {
      await a.close();
      await b.close();
    }
  }, 30_000);

  it('a sign of life recorded on one replica keeps the device alive on the other', async () => {
    const dataDir = freshDir();
    const env = (nodeId: string) => ({ WARDEN_LEDGER: 'sqlite', WARDEN_NODE_ID: nodeId, WARDEN_SQLITE_POLL_MS: '5' });
    const a = await startControlPlane({ dataDir, env: env('live-a') });
    const b = await startControlPlane({ dataDir, env: env('live-b') });
    try {
      // Only B expires: A takes the heartbeats.
      await a.app.get(LeaseExpirer).stop();
      const { orgId, orgKey } = await createOrg(new WardenHttp(a.url), ADMIN_TOKEN, { planTier: 'pro' });
      const onA = new WardenHttp(a.url).withKey(orgKey);
      await onA.post('/api/v1/org/policy', { leaseTtlSeconds: TTL });
      await onA.post('/api/v1/devices/register', { deviceId: 'beats-on-a' });
      const marker = await onA.post('/api/v1/devices/register', { deviceId: 'silent-marker' });
      const beating = setInterval(() => void onA.post('/api/v1/devices/heartbeat', { deviceId: 'beats-on-a' }).catch(() => undefined), 1000);
      try {
        // The marker lapses after the heartbeating device would have without its heartbeats.
        await leaseExpired(b.ledger, orgId, 'silent-marker');
      } finally {
        clearInterval(beating);
      }
      expect(marker.body.status).toBe('ok');
      expect((await leaseExpiries(a.ledger, orgId)).map((event) => (event.data as { deviceId: string }).deviceId)).toEqual(['silent-marker']);
    } finally {
      await a.close();
      await b.close();
    }
  }, 30_000);

  it('a restart gives every device a full TTL from the start: a live one survives, a dead one is expired at most one TTL late', async () => {
    const dataDir = freshDir();
    const first = await startControlPlane({ dataDir, env: { WARDEN_LEDGER: 'sqlite' } });
    const { orgId, orgKey } = await createOrg(new WardenHttp(first.url), ADMIN_TOKEN, { planTier: 'pro' });
    const before = new WardenHttp(first.url).withKey(orgKey);
    await before.post('/api/v1/org/policy', { leaseTtlSeconds: TTL });
    await before.post('/api/v1/devices/register', { deviceId: 'dead' });
    await before.post('/api/v1/devices/register', { deviceId: 'live' });
    expect((await before.post('/api/v1/devices/heartbeat', { deviceId: 'live' })).body.status).toBe('ok');
    const liveSeen = Date.parse((await before.get('/api/v1/devices/list')).body.devices[1].lastSeenAt);
    await first.close();
    // Down for longer than the TTL: both leases lapsed while no node was watching.
    await until(liveSeen + TTL * 1000 + 500);

    const second = await startControlPlane({ dataDir, env: { WARDEN_LEDGER: 'sqlite' } });
    const startedAt = Date.now();
    const after = new WardenHttp(second.url).withKey(orgKey);
    // A beat in flight when the node closes is reset: that is the test ending, not a failure.
    const beating = setInterval(() => void after.post('/api/v1/devices/heartbeat', { deviceId: 'live' }).catch(() => undefined), 1000);
    try {
      expect((await after.post('/api/v1/devices/heartbeat', { deviceId: 'live' })).body).toMatchObject({ status: 'ok', allowed: true });
      const expired = await leaseExpired(second.ledger, orgId, 'dead');
      expect(Date.parse((expired.data as { at: string }).at)).toBeGreaterThanOrEqual(startedAt + TTL * 1000 - 1000);
      expect(Date.now() - (startedAt + TTL * 1000)).toBeLessThanOrEqual(GRACE_MS);
      expect((await after.post('/api/v1/devices/validate', { deviceId: 'live' })).body).toMatchObject({ allowed: true, code: 'ALLOW' });
      expect((await leaseExpiries(second.ledger, orgId)).map((event) => (event.data as { deviceId: string }).deviceId)).toEqual(['dead']);
    } finally {
      clearInterval(beating);
      await second.close();
    }
  }, 40_000);

  it('expires nothing of an org that has leases off', async () => {
    const dataDir = freshDir();
    const cp = await startControlPlane({ dataDir, env: { WARDEN_LEDGER: 'sqlite' } });
    try {
      const { orgId, orgKey } = await createOrg(new WardenHttp(cp.url), ADMIN_TOKEN, { planTier: 'pro' });
      const org = new WardenHttp(cp.url).withKey(orgKey);
      await org.post('/api/v1/devices/register', { deviceId: 'no-lease' });
      // A marker org with leases on, whose device lapses after the other's registration + TTL.
      const marker = await createOrg(new WardenHttp(cp.url), ADMIN_TOKEN, { planTier: 'pro' });
      const markerOrg = new WardenHttp(cp.url).withKey(marker.orgKey);
      await markerOrg.post('/api/v1/org/policy', { leaseTtlSeconds: TTL });
      await markerOrg.post('/api/v1/devices/register', { deviceId: 'm' });
      await leaseExpired(cp.ledger, marker.orgId, 'm');
      expect(await leaseExpiries(cp.ledger, orgId)).toEqual([]);
      expect((await org.post('/api/v1/devices/validate', { deviceId: 'no-lease' })).body.code).toBe('ALLOW');
    } finally {
      await cp.close();
    }
  }, 30_000);
});
