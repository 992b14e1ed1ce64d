import { RPC_REGISTER_SUBJECT, RPC_VALIDATE_SUBJECT } from '@warden/broadcast';
import { NatsServerProcess } from '@warden/testing';
import { connect } from 'nats';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';
import { natsReady } from '../support/nats-ready';

const LIMIT = 5;

describe('per-key rate limit on register', () => {
  let cp: RunningControlPlane;
  let http: WardenHttp;

  beforeAll(async () => {
    cp = await startControlPlane({ env: { WARDEN_REGISTER_RATE_LIMIT: String(LIMIT), WARDEN_REGISTER_RATE_WINDOW_MS: '600000' } });
    http = new WardenHttp(cp.url);
  });
  afterAll(() => cp.close({ removeData: true }));

  async function orgWithRuntimeKey() {
    const { orgKey, orgId } = await createOrg(http, ADMIN_TOKEN, { planTier: 'pro' });
    const runtimeKey = (await http.withKey(orgKey).post('/api/v1/org/keys', { scope: 'runtime' })).body.key as string;
    return { orgId, org: http.withKey(orgKey), runtime: http.withKey(runtimeKey) };
  }

  async function registerUpToTheLimit(client: WardenHttp, prefix: string): Promise<void> {
    for (let i = 0; i < LIMIT; i++) {
      const response = await client.post('/api/v1/devices/register', { deviceId: `${prefix}-${i}` });
      expect(response.status).toBe(200);
    }
  }

  describe('when one key has made its allowance of registrations', () => {
    it('answers 429 rate_limited in the error contract, with retry-after, and writes nothing to the ledger', async () => {
      const { runtime } = await orgWithRuntimeKey();
      await registerUpToTheLimit(runtime, 'limited');
      const headBefore = await cp.ledger.headPosition();
      const decisionsBefore = (await cp.decisions()).length;

      const refused = await runtime.post('/api/v1/devices/register', { deviceId: 'limited-over' });

      expect(refused.status).toBe(429);
      expect(refused.body).toEqual({ status: 'error', error: 'rate_limited', message: expect.stringMatching(/too many registrations with this key; retry in \d+ s/) });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(await cp.ledger.headPosition()).toBe(headBefore);
      expect((await cp.decisions()).length).toBe(decisionsBefore);
    });

    it('limits an already registered device too (an idempotent register still counts)', async () => {
      const { runtime } = await orgWithRuntimeKey();
      for (let i = 0; i < LIMIT; i++) expect((await runtime.post('/api/v1/devices/register', { deviceId: 'same' })).status).toBe(200);
      expect((await runtime.post('/api/v1/devices/register', { deviceId: 'same' })).status).toBe(429);
    });

    it('leaves another key of the same org, and another org, unaffected', async () => {
      const { org, runtime } = await orgWithRuntimeKey();
      await registerUpToTheLimit(runtime, 'first-key');
      expect((await runtime.post('/api/v1/devices/register', { deviceId: 'first-key-over' })).status).toBe(429);

      const secondKey = http.withKey((await org.post('/api/v1/org/keys', { scope: 'runtime' })).body.key as string);
      await registerUpToTheLimit(secondKey, 'second-key');
      await registerUpToTheLimit(org, 'admin-key');

      const other = await orgWithRuntimeKey();
      await registerUpToTheLimit(other.runtime, 'other-org');
    });

    it('never limits validate (the hot path), for the same key', async () => {
      const { runtime } = await orgWithRuntimeKey();
      await registerUpToTheLimit(runtime, 'v');
      expect((await runtime.post('/api/v1/devices/register', { deviceId: 'v-over' })).status).toBe(429);
      for (let i = 0; i < LIMIT * 3; i++) {
        const answer = await runtime.post('/api/v1/devices/validate', { deviceId: 'v-0' });
        expect([answer.status, answer.body.code]).toEqual([200, 'ALLOW']);
      }
    });
  });

  it('does not count unknown keys: they stay 401 invalid_key, never 429', async () => {
    const stranger = http.withKey('rt_not-a-key-of-anyone');
    for (let i = 0; i <= LIMIT + 1; i++) {
      const response = await stranger.post('/api/v1/devices/register', { deviceId: 'x' });
      expect([response.status, response.body.error]).toEqual([401, 'invalid_key']);
    }
    const keyless = await http.post('/api/v1/devices/register', { deviceId: 'x' });
    expect([keyless.status, keyless.body.error]).toEqual([401, 'missing_key']);
  });

  it('stops counting a key once it is revoked (401, not 429)', async () => {
    const { org } = await orgWithRuntimeKey();
    const issued = (await org.post('/api/v1/org/keys', { scope: 'runtime' })).body as { key: string; keyId: string };
    const runtime = http.withKey(issued.key);
    await registerUpToTheLimit(runtime, 'r');
    expect((await org.post('/api/v1/org/keys/revoke', { keyId: issued.keyId })).status).toBe(200);
    expect((await runtime.post('/api/v1/devices/register', { deviceId: 'r-over' })).status).toBe(401);
  });
});

describe('per-key rate limit set to 0', () => {
  it('is off: registrations beyond the default allowance are never 429', async () => {
    const cp = await startControlPlane({ env: { WARDEN_REGISTER_RATE_LIMIT: '0' } });
    try {
      const http = new WardenHttp(cp.url);
      const org = http.withKey((await createOrg(http, ADMIN_TOKEN, { planTier: 'pro' })).orgKey);
      const statuses = new Set<number>();
      for (let i = 0; i < 30; i++) statuses.add((await org.post('/api/v1/devices/register', { deviceId: 'again' })).status);
      expect([...statuses]).toEqual([200]);
      expect((await org.post('/api/v1/devices/register', { deviceId: 'again' })).headers.get('x-ratelimit-limit')).toBeNull();
    } finally {
      await cp.close({ removeData: true });
    }
  });
});

describe('per-key rate limit shared by HTTP and NATS register', () => {
  it('gives a key one allowance whatever the transport: NATS register answers 429 rate_limited once HTTP used it up, writing nothing', async () => {
    const nats = await NatsServerProcess.start();
    const cp = await startControlPlane({ env: { NATS_URL: nats.url, WARDEN_REGISTER_RATE_LIMIT: String(LIMIT), WARDEN_REGISTER_RATE_WINDOW_MS: '600000' } });
    const nc = await connect({ servers: nats.url });
    try {
      await natsReady(cp.app);
      const http = new WardenHttp(cp.url);
      const { orgKey } = await createOrg(http, ADMIN_TOKEN, { planTier: 'pro' });
      const ask = async (subject: string, payload: object) =>
        JSON.parse(Buffer.from((await nc.request(subject, Buffer.from(JSON.stringify(payload)), { timeout: 5000 })).data).toString('utf8'));

      for (let i = 0; i < LIMIT - 1; i++) expect((await http.withKey(orgKey).post('/api/v1/devices/register', { deviceId: `n-${i}` })).status).toBe(200);
      expect(await ask(RPC_REGISTER_SUBJECT, { key: orgKey, deviceId: 'n-last' })).toMatchObject({ status: 'ok' });
      const head = await cp.ledger.headPosition();

      const refused = await ask(RPC_REGISTER_SUBJECT, { key: orgKey, deviceId: 'n-over' });
      expect(refused).toEqual({ status: 'error', error: 'rate_limited', httpStatus: 429, message: expect.stringMatching(/retry in \d+ s/) });
      expect((await http.withKey(orgKey).post('/api/v1/devices/register', { deviceId: 'n-over' })).status).toBe(429);
      expect(await cp.ledger.headPosition()).toBe(head);
      expect(await ask(RPC_VALIDATE_SUBJECT, { key: orgKey, deviceId: 'n-last' })).toMatchObject({ allowed: true, code: 'ALLOW' });
    } finally {
      await nc.close();
      await cp.close({ removeData: true });
      await nats.dispose();
    }
  });
});
