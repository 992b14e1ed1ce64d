import { OrgCommandService, RandomIdSource, SystemClock } from '@warden/enforcement';
import { EventStoreDbEventLedger, orgStream, type RecordedEvent } from '@warden/ledger';
import { PermissionProjection, ProjectionRunner } from '@warden/projection';
import { EventStoreTestServer } from '@warden/testing';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';

describe('the control plane on the EventStoreDB ledger (in-process test server)', () => {
  let server: EventStoreTestServer;

  beforeAll(async () => {
    server = await EventStoreTestServer.start();
  });
  afterAll(() => server.stop());

  function start(): Promise<RunningControlPlane> {
    return startControlPlane({ env: { WARDEN_LEDGER: 'eventstoredb', EVENTSTORE_URL: server.connectionString } });
  }

  it('registers, validates, revokes, and rebuilds everything from the ledger after a restart', async () => {
    const first = await start();
    const { orgKey } = await createOrg(new WardenHttp(first.url), ADMIN_TOKEN, { planTier: 'pro' });
    const org = new WardenHttp(first.url).withKey(orgKey);
    await org.post('/api/v1/devices/register', { deviceId: 'e-1' });
    await org.post('/api/v1/devices/register', { deviceId: 'e-2' });
    expect((await org.post('/api/v1/devices/validate', { deviceId: 'e-1' })).body.code).toBe('ALLOW');
    await org.post('/api/v1/devices/revoke', { deviceId: 'e-2' });
    expect((await org.post('/api/v1/devices/validate', { deviceId: 'e-2' })).body.code).toBe('DEVICE_REVOKED');
    await first.close({ removeData: true });

    const second = await start();
    try {
      const again = new WardenHttp(second.url).withKey(orgKey);
      expect((await again.post('/api/v1/devices/validate', { deviceId: 'e-1' })).body.code).toBe('ALLOW');
      expect((await again.post('/api/v1/devices/validate', { deviceId: 'e-2' })).body.code).toBe('DEVICE_REVOKED');
    } finally {
      await second.close({ removeData: true });
    }
  });

  it('resumes the projection after the server drops its subscription mid-stream, with no gap and no duplicate', async () => {
    const ledger = await EventStoreDbEventLedger.connect(server.connectionString);
    const seen: bigint[] = [];
    const projection = new (class extends PermissionProjection {
      override apply(event: RecordedEvent): void {
        seen.push(event.position);
        super.apply(event);
      }
    })();
    const runner = new ProjectionRunner(ledger, projection);
    try {
      const ids = new RandomIdSource();
      const clock = new SystemClock();
      const commands = new OrgCommandService(ledger, projection, ids);
      await runner.start();
      const orgId = ids.uuid();
      await commands.execute(
        { type: 'CreateOrg', orgId, at: clock.now(), actor: 'admin', data: { name: 'drop', planTier: 'custom', limit: 100, adminKey: { keyId: 'k', keyHash: 'a'.repeat(64) } } },
        { correlationId: 'c' },
      );
      for (let i = 0; i < 30; i++) {
        if (i % 10 === 5) server.dropSubscriptions();
        const register = { type: 'RegisterDevice' as const, orgId, at: clock.now(), actor: 'k', data: { deviceId: `d-${i}`, labels: {} } };
        await commands.execute(register, { correlationId: 'c' });
      }
      const stored = (await ledger.readStream(orgStream(orgId))).map((event) => event.position);
      const applied = seen.filter((position) => stored.includes(position));
      expect(applied).toEqual(stored);
      expect(new Set(seen).size).toBe(seen.length);
      expect(projection.failed).toBeUndefined();
      expect(projection.org(orgId)!.activeCount).toBe(30);
    } finally {
      await runner.stop();
      await ledger.close();
    }
  });

  it('fails closed with LEDGER_UNAVAILABLE while the server is down, and allows again once it is back', async () => {
    const cp = await start();
    try {
      const { orgKey } = await createOrg(new WardenHttp(cp.url), ADMIN_TOKEN);
      const org = new WardenHttp(cp.url).withKey(orgKey);
      await org.post('/api/v1/devices/register', { deviceId: 'down-1' });

      await server.stop();
      expect((await org.post('/api/v1/devices/validate', { deviceId: 'down-1' })).body).toMatchObject({ allowed: false, code: 'LEDGER_UNAVAILABLE' });
      expect((await org.post('/api/v1/devices/revoke', { deviceId: 'down-1' })).status).toBe(503);

      await server.restart();
      let answer = await org.post('/api/v1/devices/validate', { deviceId: 'down-1' });
      while (answer.body.code === 'LEDGER_UNAVAILABLE') answer = await org.post('/api/v1/devices/validate', { deviceId: 'down-1' });
      expect(answer.body).toMatchObject({ allowed: true, code: 'ALLOW' });
    } finally {
      await cp.close({ removeData: true });
    }
  }, 60_000);
});
