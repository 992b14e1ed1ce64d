import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ExecutionDenied, WardenApiError, WardenConfigError, WardenProtocolError, WardenUnavailableError } from './sdk.errors';
import { startLease } from './start-lease';
import { allow, deny, FakeControlPlane, TEST_KEY } from './testing/fake-control-plane';
import { WardenClient } from './warden-client';

const VALIDATE = '/api/v1/devices/validate';
const WATCH = '/api/v1/devices/watch';

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('starting a lease (startup enforcement is absolute)', () => {
  let fake: FakeControlPlane;
  let client: WardenClient;

  beforeEach(async () => {
    fake = await FakeControlPlane.start();
    client = new WardenClient({ baseUrl: fake.url, orgKey: TEST_KEY });
  });
  afterEach(() => fake.close());

  describe('when registration is refused', () => {
    it.each([
      ['limit_reached', 'device_limit_reached', 'LIMIT_EXCEEDED'],
      ['revoked', 'device_revoked', 'DEVICE_REVOKED'],
      ['suspended', 'org_suspended', 'ORG_SUSPENDED'],
      ['something_new', 'refused', 'REGISTRATION_REFUSED'],
    ])('throws ExecutionDenied for %s (%s) with code %s, without validating', async (status, error, code) => {
      fake.answers.set('POST /api/v1/devices/register', { status: 403, body: { status, error, deviceId: 'agent-1' } });

      const thrown = await startLease(client, { deviceId: 'agent-1', watch: 'sse' }).catch((e: unknown) => e);

      expect(thrown).toBeInstanceOf(ExecutionDenied);
      expect(thrown).toMatchObject({ code });
      expect(fake.count(VALIDATE)).toBe(0);
    });
  });

  describe('when validation denies', () => {
    it.each(['DEVICE_REVOKED', 'ORG_SUSPENDED', 'LEDGER_UNAVAILABLE'])('throws ExecutionDenied(%s) and does not watch', async (code) => {
      fake.answers.set(`POST ${VALIDATE}`, { status: 200, body: deny(code) });

      const thrown = await client.start({ deviceId: 'agent-1', watch: 'sse' }).catch((e: unknown) => e);

      expect(thrown).toBeInstanceOf(ExecutionDenied);
      expect(thrown).toMatchObject({ code });
      expect(fake.count(WATCH)).toBe(0);
    });

    it('treats an answer without allowed: true as a deny', async () => {
      fake.answers.set(`POST ${VALIDATE}`, { status: 200, body: { status: 'ok', code: 'ALLOW' } });

      await expect(client.start({ deviceId: 'agent-1', watch: 'sse' })).rejects.toBeInstanceOf(ExecutionDenied);
    });
  });

  describe('when the control plane cannot be reached or errs', () => {
    it('throws WardenUnavailableError when nothing listens', async () => {
      const nowhere = new WardenClient({ baseUrl: `http://127.0.0.1:${await closedPort()}`, orgKey: TEST_KEY });

      await expect(nowhere.start({ deviceId: 'agent-1', watch: 'sse' })).rejects.toBeInstanceOf(WardenUnavailableError);
    });

    it('throws WardenUnavailableError when validation times out', async () => {
      fake.answers.set(`POST ${VALIDATE}`, 'hang');
      const impatient = new WardenClient({ baseUrl: fake.url, orgKey: TEST_KEY, timeoutMs: 100 });

      await expect(impatient.start({ deviceId: 'agent-1', watch: 'sse' })).rejects.toBeInstanceOf(WardenUnavailableError);
    });

    it('throws WardenApiError for a bad key', async () => {
      const stranger = new WardenClient({ baseUrl: fake.url, orgKey: 'org_wrong' });

      await expect(stranger.start({ deviceId: 'agent-1', watch: 'sse' })).rejects.toMatchObject({ status: 401, code: 'invalid_key' });
    });

    it('throws when the watch stream cannot be opened', async () => {
      fake.answers.set(`GET ${WATCH}`, { status: 404, body: { status: 'error', error: 'not_found', message: 'no watch' } });

      const thrown = await startLease(client, { deviceId: 'agent-1', watch: 'sse' }).catch((e: unknown) => e);

      expect(thrown).toBeInstanceOf(WardenApiError);
      expect(thrown).toMatchObject({ status: 404 });
    });

    it('throws WardenUnavailableError when NATS cannot be reached', async () => {
      const natsUrl = `nats://127.0.0.1:${await closedPort()}`;

      await expect(client.start({ deviceId: 'agent-1', natsUrl })).rejects.toBeInstanceOf(WardenUnavailableError);
    });
  });

  describe('options', () => {
    it('refuses watch: "nats" without a NATS URL, before any request', async () => {
      await expect(client.start({ deviceId: 'agent-1', watch: 'nats' })).rejects.toBeInstanceOf(WardenConfigError);
      expect(fake.requests).toHaveLength(0);
    });

    it('refuses a non-positive maxStalenessMs', async () => {
      await expect(client.start({ deviceId: 'agent-1', maxStalenessMs: 0 })).rejects.toBeInstanceOf(WardenConfigError);
    });

    it('needs the orgId in the validate answer to watch over NATS', async () => {
      const { orgId: _omitted, ...withoutOrg } = allow('10');
      fake.answers.set(`POST ${VALIDATE}`, { status: 200, body: withoutOrg });

      await expect(client.start({ deviceId: 'agent-1', natsUrl: 'nats://127.0.0.1:4222' })).rejects.toBeInstanceOf(WardenProtocolError);
    });
  });
});
