import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp, type JsonResponse } from '../support/http-client';

const LOCKS = '/api/v1/locks';
const REMOVE = '/api/v1/locks/remove';
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DAY_MS = 24 * 3600 * 1000;

/** Resolves once the wall clock has reached `instant` (epoch ms): the passing of time is the condition. */
async function timeReaches(instant: number): Promise<void> {
  while (Date.now() < instant) await new Promise((resolve) => setTimeout(resolve, instant - Date.now()));
}

describe('locks (scoped kill switches) over HTTP', () => {
  let cp: RunningControlPlane;
  let http: WardenHttp;

  beforeAll(async () => {
    cp = await startControlPlane();
    http = new WardenHttp(cp.url);
  });
  afterAll(() => cp.close({ removeData: true }));

  /** A fresh org (pro: room for the fleet) with its devices registered, each with its labels. */
  async function orgWith(devices: Record<string, Record<string, string>>) {
    const { orgKey, orgId, keyId } = await createOrg(http, ADMIN_TOKEN, { planTier: 'pro' });
    const admin = http.withKey(orgKey);
    for (const [deviceId, labels] of Object.entries(devices)) {
      expect((await admin.post('/api/v1/devices/register', { deviceId, labels })).status).toBe(200);
    }
    return { admin, orgId, keyId };
  }

  async function codes(admin: WardenHttp, ...deviceIds: string[]): Promise<Record<string, string>> {
    const answers = await Promise.all(deviceIds.map((deviceId) => admin.post('/api/v1/devices/validate', { deviceId })));
    return Object.fromEntries(answers.map((answer, i) => [deviceIds[i], answer.body.code as string]));
  }

  /** Sends a request that must be refused, and checks that the ledger head did not move. */
  async function refused(send: () => Promise<JsonResponse>): Promise<JsonResponse> {
    const before = await cp.ledger.headPosition();
    const response = await send();
    expect(response.body).toMatchObject({ status: 'error', error: expect.any(String), message: expect.any(String) });
    expect(await cp.ledger.headPosition()).toBe(before);
    return response;
  }

  const fleet = {
    'pay-1': { team: 'payments', env: 'prod' },
    'pay-2': { team: 'payments', env: 'staging' },
    'pay-3': { team: 'payments', env: 'prod' },
    'web-1': { team: 'web', env: 'prod' },
  };

  describe('a lock by labels', () => {
    it('denies exactly the active devices carrying every label with DEVICE_LOCKED, and matched counts them', async () => {
      const { admin } = await orgWith(fleet);
      await admin.post('/api/v1/devices/revoke', { deviceId: 'pay-3' });
      const before = await cp.ledger.headPosition();

      const placed = await admin.post(LOCKS, { selector: { labels: { team: 'payments', env: 'prod' } }, reason: 'incident 42' });

      expect(placed.status).toBe(200);
      expect(placed.body).toMatchObject({ status: 'ok', lockId: expect.stringMatching(UUID_V7), matched: 1, expiresAt: null });
      expect(BigInt(placed.body.position)).toBeGreaterThan(before!);
      expect(await codes(admin, 'pay-1', 'pay-2', 'pay-3', 'web-1')).toEqual({
        'pay-1': 'DEVICE_LOCKED',
        'pay-2': 'ALLOW',
        'pay-3': 'DEVICE_REVOKED',
        'web-1': 'ALLOW',
      });
      const validate = await admin.post('/api/v1/devices/validate', { deviceId: 'pay-1' });
      expect(validate.body).toMatchObject({ allowed: false, code: 'DEVICE_LOCKED', status: 'locked' });
    });

    it('denies a device that registers later while the lock is active', async () => {
      const { admin } = await orgWith(fleet);
      const placed = await admin.post(LOCKS, { selector: { labels: { team: 'batch' } }, reason: 'runaway jobs' });
      expect(placed.body.matched).toBe(0);

      expect((await admin.post('/api/v1/devices/register', { deviceId: 'batch-1', labels: { team: 'batch', env: 'prod' } })).body.status).toBe('ok');
      await admin.post('/api/v1/devices/register', { deviceId: 'batch-2', labels: { team: 'batch-2' } });

      expect(await codes(admin, 'batch-1', 'batch-2')).toEqual({ 'batch-1': 'DEVICE_LOCKED', 'batch-2': 'ALLOW' });
      expect((await admin.get(LOCKS)).body.locks[0].matched).toBe(1);
    });
  });

  it('a lock by deviceId denies that device only', async () => {
    const { admin } = await orgWith(fleet);
    const placed = await admin.post(LOCKS, { selector: { deviceId: 'web-1' }, reason: 'leaking secrets' });
    expect(placed.body).toMatchObject({ status: 'ok', matched: 1, selector: { deviceId: 'web-1' } });
    expect(await codes(admin, 'pay-1', 'pay-2', 'web-1')).toEqual({ 'pay-1': 'ALLOW', 'pay-2': 'ALLOW', 'web-1': 'DEVICE_LOCKED' });
  });

  it('lists the active locks with who placed them, when, why, until when, and how many devices each denies', async () => {
    const { admin, orgId, keyId } = await orgWith(fleet);
    const expiresAt = new Date(Date.now() + DAY_MS).toISOString();
    const byLabel = await admin.post(LOCKS, { selector: { labels: { env: 'prod' } }, reason: 'deploy freeze', expiresAt });
    const byDevice = await admin.post(LOCKS, { selector: { deviceId: 'pay-2' }, reason: 'suspicious' });

    const list = await admin.get(LOCKS);

    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ status: 'ok', orgId, count: 2 });
    expect(list.body.locks).toEqual([
      { lockId: byLabel.body.lockId, selector: { labels: { env: 'prod' } }, reason: 'deploy freeze', expiresAt, placedAt: expect.any(String), actor: keyId, matched: 3 },
      { lockId: byDevice.body.lockId, selector: { deviceId: 'pay-2' }, reason: 'suspicious', expiresAt: null, placedAt: expect.any(String), actor: keyId, matched: 1 },
    ]);
    expect(Date.parse(list.body.locks[0].placedAt)).toBeLessThanOrEqual(Date.parse(list.body.locks[1].placedAt));
  });

  it('remove lifts the lock: validate allows again, the list no longer shows it, a second remove is 404', async () => {
    const { admin } = await orgWith(fleet);
    const placed = await admin.post(LOCKS, { selector: { labels: { team: 'payments' } }, reason: 'incident' });
    expect(await codes(admin, 'pay-1', 'pay-2')).toEqual({ 'pay-1': 'DEVICE_LOCKED', 'pay-2': 'DEVICE_LOCKED' });

    const lifted = await admin.post(REMOVE, { lockId: placed.body.lockId });

    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ status: 'ok', lockId: placed.body.lockId });
    expect(BigInt(lifted.body.position)).toBeGreaterThan(BigInt(placed.body.position));
    expect(await codes(admin, 'pay-1', 'pay-2')).toEqual({ 'pay-1': 'ALLOW', 'pay-2': 'ALLOW' });
    expect((await admin.get(LOCKS)).body).toMatchObject({ count: 0, locks: [] });
    const again = await refused(() => admin.post(REMOVE, { lockId: placed.body.lockId }));
    expect([again.status, again.body.error]).toEqual([404, 'lock_not_found']);
  });

  it('an unknown lock is 404 lock_not_found', async () => {
    const { admin } = await orgWith({});
    const response = await refused(() => admin.post(REMOVE, { lockId: '01890a5d-ac96-774b-bcce-b302099a8057' }));
    expect([response.status, response.body.error]).toEqual([404, 'lock_not_found']);
  });

  it('a timed lock lifts by itself at expiresAt, writing nothing, and leaves the list', async () => {
    const { admin } = await orgWith(fleet);
    const until = Date.now() + 2000;
    const placed = await admin.post(LOCKS, { selector: { labels: { team: 'web' } }, reason: 'cool down', expiresAt: new Date(until).toISOString() });
    expect(placed.body).toMatchObject({ status: 'ok', matched: 1, expiresAt: new Date(until).toISOString() });
    expect(await codes(admin, 'web-1')).toEqual({ 'web-1': 'DEVICE_LOCKED' });
    const headBefore = await cp.ledger.headPosition();

    await timeReaches(until);

    expect(await cp.ledger.headPosition()).toBe(headBefore);
    expect(await codes(admin, 'web-1', 'pay-1')).toEqual({ 'web-1': 'ALLOW', 'pay-1': 'ALLOW' });
    expect((await admin.get(LOCKS)).body).toMatchObject({ count: 0, locks: [] });
    const remove = await refused(() => admin.post(REMOVE, { lockId: placed.body.lockId }));
    expect([remove.status, remove.body.error]).toEqual([404, 'lock_not_found']);
  });

  describe('bad input is refused with a stable code and writes nothing', () => {
    const soon = () => new Date(Date.now() + 3600_000).toISOString();
    const cases: [name: string, error: string, body: () => unknown][] = [
      ['an empty selector', 'invalid_selector', () => ({ selector: {}, reason: 'x' })],
      ['a selector with no labels', 'invalid_selector', () => ({ selector: { labels: {} }, reason: 'x' })],
      ['no selector', 'invalid_request', () => ({ reason: 'x' })],
      ['a selector that is not an object', 'invalid_request', () => ({ selector: 'pay-1', reason: 'x' })],
      ['an unknown selector field', 'invalid_request', () => ({ selector: { deviceId: 'pay-1', org: 'all' }, reason: 'x' })],
      ['a bad deviceId', 'invalid_request', () => ({ selector: { deviceId: 'pay 1' }, reason: 'x' })],
      ['a label value that is not a string', 'invalid_request', () => ({ selector: { labels: { team: 1 } }, reason: 'x' })],
      ['a too long label value', 'invalid_request', () => ({ selector: { labels: { team: 'x'.repeat(257) } }, reason: 'x' })],
      ['a too long label key', 'invalid_request', () => ({ selector: { labels: { ['k'.repeat(65)]: 'x' } }, reason: 'x' })],
      ['no reason', 'invalid_request', () => ({ selector: { deviceId: 'pay-1' } })],
      ['an empty reason', 'invalid_request', () => ({ selector: { deviceId: 'pay-1' }, reason: '  ' })],
      ['a too long reason', 'invalid_request', () => ({ selector: { deviceId: 'pay-1' }, reason: 'r'.repeat(501) })],
      ['an unknown field', 'invalid_request', () => ({ selector: { deviceId: 'pay-1' }, reason: 'x', lockId: 'mine' })],
      ['an expiresAt in the past', 'invalid_expires_at', () => ({ selector: { deviceId: 'pay-1' }, reason: 'x', expiresAt: new Date(Date.now() - 1000).toISOString() })],
      ['an expiresAt more than a year ahead', 'invalid_expires_at', () => ({ selector: { deviceId: 'pay-1' }, reason: 'x', expiresAt: new Date(Date.now() + 367 * DAY_MS).toISOString() })],
      ['an expiresAt that is not an ISO time', 'invalid_request', () => ({ selector: { deviceId: 'pay-1' }, reason: 'x', expiresAt: 'tomorrow' })],
      ['an expiresAt without a zone', 'invalid_request', () => ({ selector: { deviceId: 'pay-1' }, reason: 'x', expiresAt: soon().replace('Z', '') })],
      ['an expiresAt that is a number', 'invalid_request', () => ({ selector: { deviceId: 'pay-1' }, reason: 'x', expiresAt: Date.now() + 60_000 })],
    ];

    it.each(cases)('POST locks with %s: 400 %s', async (_name, error, body) => {
      const { admin } = await orgWith(fleet);
      const response = await refused(() => admin.post(LOCKS, body()));
      expect([response.status, response.body.error]).toEqual([400, error]);
      expect((await admin.get(LOCKS)).body.count).toBe(0);
      expect(await codes(admin, 'pay-1')).toEqual({ 'pay-1': 'ALLOW' });
    });

    it.each([
      ['no lockId', {}],
      ['an empty lockId', { lockId: '' }],
      ['a lockId that is not a string', { lockId: 7 }],
      ['a too long lockId', { lockId: 'l'.repeat(65) }],
      ['an unknown field', { lockId: 'x', all: true }],
    ])('POST locks/remove with %s: 400 invalid_request', async (_name, body) => {
      const { admin } = await orgWith({});
      const response = await refused(() => admin.post(REMOVE, body));
      expect([response.status, response.body.error]).toEqual([400, 'invalid_request']);
    });
  });

  describe('a runtime key', () => {
    it.each([
      ['POST', LOCKS, { selector: { labels: { team: 'web' } }, reason: 'x' }],
      ['POST', REMOVE, undefined],
      ['GET', LOCKS, undefined],
    ] as const)('gets 403 forbidden_scope on %s %s, and the lock stays', async (method, path, body) => {
      const { admin } = await orgWith(fleet);
      const placed = await admin.post(LOCKS, { selector: { labels: { team: 'payments' } }, reason: 'incident' });
      const runtime = http.withKey((await admin.post('/api/v1/org/keys', { scope: 'runtime' })).body.key);

      const response = await refused(() => (method === 'GET' ? runtime.get(path) : runtime.post(path, body ?? { lockId: placed.body.lockId })));

      expect([response.status, response.body.error]).toEqual([403, 'forbidden_scope']);
      expect((await admin.get(LOCKS)).body.locks.map((lock: { lockId: string }) => lock.lockId)).toEqual([placed.body.lockId]);
      expect(await codes(admin, 'pay-1', 'web-1')).toEqual({ 'pay-1': 'DEVICE_LOCKED', 'web-1': 'ALLOW' });
    });
  });

  describe("another org's key", () => {
    it('cannot see the lock nor lift it (404 lock_not_found), and its own devices are not locked by it', async () => {
      const a = await orgWith(fleet);
      const b = await orgWith(fleet);
      const placed = await a.admin.post(LOCKS, { selector: { labels: { team: 'payments' } }, reason: 'incident' });

      expect((await b.admin.get(LOCKS)).body).toMatchObject({ orgId: b.orgId, count: 0, locks: [] });
      const lift = await refused(() => b.admin.post(REMOVE, { lockId: placed.body.lockId }));
      expect([lift.status, lift.body.error]).toEqual([404, 'lock_not_found']);

      expect(await codes(a.admin, 'pay-1')).toEqual({ 'pay-1': 'DEVICE_LOCKED' });
      expect(await codes(b.admin, 'pay-1')).toEqual({ 'pay-1': 'ALLOW' });
    });
  });

  it('documents the lock routes and their schemas in the OpenAPI document', async () => {
    const spec = (await http.get('/docs-json')).body;
    expect(Object.keys(spec.paths[LOCKS]).sort()).toEqual(['get', 'post']);
    expect(Object.keys(spec.paths[REMOVE])).toEqual(['post']);
    expect(spec.components.schemas.PlaceLockDto).toMatchObject({
      required: ['selector', 'reason'],
      additionalProperties: false,
      properties: { selector: { properties: { deviceId: { maxLength: 128 }, labels: { type: 'object' } } }, expiresAt: { format: 'date-time' } },
    });
  });

  it('refuses a request without a key (401), writing nothing', async () => {
    const response = await refused(() => http.post(LOCKS, { selector: { deviceId: 'pay-1' }, reason: 'x' }));
    expect([response.status, response.body.error]).toEqual([401, 'missing_key']);
  });
});
