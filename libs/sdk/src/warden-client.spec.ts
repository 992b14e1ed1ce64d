import { WardenApiError, WardenConfigError, WardenUnavailableError } from './sdk.errors';
import { FakeControlPlane, TEST_KEY } from './testing/fake-control-plane';
import { WardenClient } from './warden-client';

describe('WardenClient', () => {
  let fake: FakeControlPlane;
  let client: WardenClient;

  beforeEach(async () => {
    fake = await FakeControlPlane.start();
    client = new WardenClient({ baseUrl: `${fake.url}/`, orgKey: TEST_KEY });
  });
  afterEach(() => fake.close());

  describe('raw calls', () => {
    it('send the key header and a JSON body, and answer the parsed JSON', async () => {
      const answer = await client.register('agent-1', { team: 'a' });

      expect(answer.status).toBe('ok');
      const [request] = fake.requests;
      expect(request).toMatchObject({ method: 'POST', path: '/api/v1/devices/register', body: { deviceId: 'agent-1', labels: { team: 'a' } } });
      expect(request!.headers['x-org-key']).toBe(TEST_KEY);
      expect(request!.headers['content-type']).toBe('application/json');
    });

    it('use the MachineID routes and methods', async () => {
      for (const [route, body] of [['POST /api/v1/devices/revoke', { status: 'ok', result: 'revoked' }], ['POST /api/v1/devices/unrevoke', { status: 'ok' }], ['POST /api/v1/devices/remove', { status: 'ok' }], ['GET /api/v1/devices/list', { status: 'ok', devices: [] }], ['GET /api/v1/usage', { status: 'ok', limit: 3 }]] as const) {
        fake.answers.set(route, { status: 200, body });
      }

      await client.validate('agent-1');
      await client.revoke('agent-1', 'runaway loop');
      await client.unrevoke('agent-1');
      await client.remove('agent-1');
      const list = await client.list();
      const usage = await client.usage();

      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'POST /api/v1/devices/validate',
        'POST /api/v1/devices/revoke',
        'POST /api/v1/devices/unrevoke',
        'POST /api/v1/devices/remove',
        'GET /api/v1/devices/list',
        'GET /api/v1/usage',
      ]);
      expect(fake.requests[1]!.body).toEqual({ deviceId: 'agent-1', reason: 'runaway loop' });
      expect(fake.requests[4]!.body).toBeUndefined();
      expect(list).toEqual({ status: 'ok', devices: [] });
      expect(usage).toEqual({ status: 'ok', limit: 3 });
    });
  });

  describe('when registration is refused (403)', () => {
    it('answers the refusal body: a refusal is an answer', async () => {
      const refusal = { status: 'limit_reached', error: 'device_limit_reached', limit: 3, devicesUsed: 3 };
      fake.answers.set('POST /api/v1/devices/register', { status: 403, body: refusal });

      await expect(client.register('agent-4')).resolves.toEqual(refusal);
    });

    it('still throws for a 403 that is an error, not a refusal', async () => {
      fake.answers.set('POST /api/v1/devices/register', { status: 403, body: { status: 'error', error: 'forbidden_scope', message: 'no' } });

      await expect(client.register('agent-4')).rejects.toMatchObject({ status: 403, code: 'forbidden_scope' });
    });
  });

  describe('when the control plane answers an error', () => {
    it('throws WardenApiError with the status and stable code (bad key: 401)', async () => {
      const stranger = new WardenClient({ baseUrl: fake.url, orgKey: 'org_wrong' });

      const error = await stranger.validate('agent-1').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(WardenApiError);
      expect(error).toMatchObject({ status: 401, code: 'invalid_key', message: 'unknown key' });
    });

    it('names the HTTP status when the body is not JSON', async () => {
      fake.answers.set('POST /api/v1/devices/revoke', { status: 502, body: undefined });

      await expect(client.revoke('agent-1')).rejects.toMatchObject({ status: 502, code: 'http_502' });
    });
  });

  describe('when the control plane does not answer', () => {
    it('throws WardenUnavailableError after timeoutMs', async () => {
      fake.answers.set('POST /api/v1/devices/validate', 'hang');
      const impatient = new WardenClient({ baseUrl: fake.url, orgKey: TEST_KEY, timeoutMs: 100 });

      const error = await impatient.validate('agent-1').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(WardenUnavailableError);
      expect((error as Error).message).toMatch(/no answer within 100 ms/);
    });

    it('throws WardenUnavailableError when nothing listens', async () => {
      const gone = fake.url;
      await fake.close();
      fake = await FakeControlPlane.start();
      const nowhere = new WardenClient({ baseUrl: gone, orgKey: TEST_KEY });

      const error = await nowhere.usage().catch((e: unknown) => e);

      expect(error).toBeInstanceOf(WardenUnavailableError);
      expect((error as Error).message).toMatch(/ECONNREFUSED/);
    });
  });

  describe('fromEnv', () => {
    it('reads the URL, key, timeout and NATS URL', () => {
      const env = { WARDEN_URL: 'http://10.0.0.1:9000', WARDEN_ORG_KEY: 'org_x', WARDEN_TIMEOUT_MS: '750', NATS_URL: 'nats://127.0.0.1:4222' };

      const fromEnv = WardenClient.fromEnv(env);

      expect(fromEnv).toMatchObject({ baseUrl: 'http://10.0.0.1:9000', timeoutMs: 750, natsUrl: 'nats://127.0.0.1:4222' });
    });

    it('defaults to 127.0.0.1:8080 and 5 s, and accepts WARDEN_KEY', () => {
      expect(WardenClient.fromEnv({ WARDEN_KEY: 'rt_x' })).toMatchObject({ baseUrl: 'http://127.0.0.1:8080', timeoutMs: 5000, natsUrl: undefined });
    });

    it('refuses to build a client without a key or with a bad timeout', () => {
      expect(() => WardenClient.fromEnv({})).toThrow(WardenConfigError);
      expect(() => WardenClient.fromEnv({ WARDEN_KEY: 'rt_x', WARDEN_TIMEOUT_MS: 'soon' })).toThrow(/WARDEN_TIMEOUT_MS/);
    });
  });
});
