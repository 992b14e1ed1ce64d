import { deviceSubject, HEARTBEAT_SUBJECT, RPC_VALIDATE_SUBJECT } from '@warden/broadcast';
import { orgStream, type RecordedEvent } from '@warden/ledger';
import { ControlPlaneStale, ExecutionDenied, WardenClient, type Lease } from '@warden/sdk';
import { NatsServerProcess } from '@warden/testing';
import { connect, type NatsConnection } from 'nats';
import { PermissionPush } from '../../apps/control-plane/src/lifecycle/permission-push';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp, type JsonResponse } from '../support/http-client';
import { PermissionSubjectWatcher } from '../support/permission-subject.watcher';
import { eventually } from '../support/eventually';
import { natsReady } from '../support/nats-ready';

/** Resolves with the signal's reason once it aborts (the SDK's own signal: no timers). */
function aborted(lease: Lease): Promise<unknown> {
  if (lease.signal.aborted) return Promise.resolve(lease.signal.reason);
  return new Promise((resolve) => lease.signal.addEventListener('abort', () => resolve(lease.signal.reason), { once: true }));
}

/** Long enough that a busy shared CPU does not end the lease before the outage does. */
const STALENESS_MS = 3000;

/** The commands taken while NATS is down, in this order; the relay owes a publish for each. */
const OUTAGE_COMMANDS = [
  ['/api/v1/devices/revoke', { deviceId: 'cut-off', reason: 'revoked while NATS was down' }],
  ['/api/v1/devices/revoke', { deviceId: 'flapping' }],
  ['/api/v1/devices/unrevoke', { deviceId: 'flapping' }],
  ['/api/v1/devices/register', { deviceId: 'newcomer' }],
] as const;

/** What the control plane answered during the outage. */
interface OutageAnswers {
  readonly validate: JsonResponse;
  readonly commands: readonly { path: string; status: number; position: bigint }[];
}

/**
 * nats-server goes away under a running control plane and comes back on the same port with
 * the same JetStream store. NATS only carries derived data (pushes, heartbeats, request/reply),
 * so the control plane keeps deciding over HTTP; a runtime that hears nothing fails closed by
 * itself; and nothing the relay owes is lost: it publishes from its checkpoint once NATS is back.
 * (test/e2e/push/lease.e2e-spec.ts covers a lease learning of an offline revoke; nats-late,
 * NATS down at start-up.)
 */
describe('when nats-server goes down under a running control plane', () => {
  let nats: NatsServerProcess;
  let cp: RunningControlPlane;
  let org: WardenHttp;
  let orgKey: string;
  let orgId: string;
  let lease: Lease;
  let leaseEnded: Promise<unknown>;
  let outage: OutageAnswers;
  const leases: Lease[] = [];

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    cp = await startControlPlane({ env: { NATS_URL: nats.url, WARDEN_HEARTBEAT_INTERVAL_MS: '100' } });
    await natsReady(cp.app);
    const http = new WardenHttp(cp.url);
    ({ orgKey, orgId } = await createOrg(http, ADMIN_TOKEN, { planTier: 'pro' }));
    org = http.withKey(orgKey);
    for (const deviceId of ['worker', 'cut-off', 'flapping']) {
      expect((await org.post('/api/v1/devices/register', { deviceId })).body.status).toBe('ok');
    }
    lease = await new WardenClient({ baseUrl: cp.url, orgKey, natsUrl: nats.url }).start({ deviceId: 'worker', watch: 'nats', maxStalenessMs: STALENESS_MS });
    leases.push(lease);
    leaseEnded = aborted(lease);
    expect(await lease.guard(async () => 'worked')).toBe('worked');
    await nats.stop();
    // Taken here, not in a test, so every test below reads the same outage whichever of them runs.
    const validate = await org.post('/api/v1/devices/validate', { deviceId: 'worker' });
    const commands = [];
    for (const [path, body] of OUTAGE_COMMANDS) {
      const answer = await org.post(path, body);
      commands.push({ path, status: answer.status, position: BigInt(answer.body.position ?? -1) });
    }
    outage = { validate, commands };
  }, 60_000);

  afterAll(async () => {
    await Promise.all(leases.map((held) => held.close()));
    await cp?.close({ removeData: true });
    await nats?.dispose();
  }, 60_000);

  describe('while it is down', () => {
    it('keeps deciding over HTTP: validations are allowed and on the record, commands are taken', async () => {
      expect(outage.validate.body).toMatchObject({ allowed: true, code: 'ALLOW' });
      expect((await cp.decisions()).map((event) => event.eventId)).toContain(outage.validate.body.request_id);
      expect(outage.commands.map(({ path, status }) => ({ path, status }))).toEqual(OUTAGE_COMMANDS.map(([path]) => ({ path, status: 200 })));
      expect((await org.post('/api/v1/devices/validate', { deviceId: 'cut-off' })).body).toMatchObject({ allowed: false, code: 'DEVICE_REVOKED' });
      expect((await org.post('/api/v1/devices/validate', { deviceId: 'flapping' })).body).toMatchObject({ allowed: true, code: 'ALLOW' });
      expect((await org.post('/api/v1/devices/validate', { deviceId: 'newcomer' })).body).toMatchObject({ allowed: true, code: 'ALLOW' });
    });

    it('does not move the relay checkpoint past what it could not publish', () => {
      const firstOutagePosition = outage.commands[0]!.position;
      expect(firstOutagePosition).toBeGreaterThan(0n);
      expect(cp.app.get(PermissionPush).natsPosition! < firstOutagePosition).toBe(true);
    });

    it('fails a runtime lease closed once its staleness limit passes (the control plane is up, NATS is silent)', async () => {
      const reason = await leaseEnded;
      expect(reason).toBeInstanceOf(ControlPlaneStale);
      expect((reason as ControlPlaneStale).silentMs).toBeGreaterThanOrEqual(STALENESS_MS);
      const work = jest.fn();
      await expect(lease.guard(work)).rejects.toBeInstanceOf(ExecutionDenied);
      expect(work).not.toHaveBeenCalled();
      // The control plane still allows it: the runtime stopped because it could no longer be told otherwise.
      expect((await org.post('/api/v1/devices/validate', { deviceId: 'worker' })).body).toMatchObject({ allowed: true, code: 'ALLOW' });
    }, 30_000);
  });

  describe('once it is back on the same port and store', () => {
    let nc: NatsConnection;
    let orgEvents: RecordedEvent[];

    beforeAll(async () => {
      await nats.restart();
      nc = await connect({ servers: nats.url });
      orgEvents = await cp.ledger.readStream(orgStream(orgId));
    }, 60_000);
    afterAll(() => nc?.close());

    /** The ledger event of a type about a device (the relay's message id names it). */
    function eventOf(type: string, deviceId: string): RecordedEvent {
      return orgEvents.filter((event) => event.type === type && (event.data as { deviceId?: string }).deviceId === deviceId).at(-1)!;
    }

    async function lastMessageUntil(deviceId: string, eventId: string) {
      const watcher = await eventually(
        () => PermissionSubjectWatcher.open(nc, deviceSubject(orgId, deviceId)).catch(() => undefined),
        (opened) => opened !== undefined,
        { what: 'the permission stream answering after the restart', timeoutMs: 30_000 },
      );
      try {
        return await watcher!.until((message) => message.eventId === eventId);
      } finally {
        await watcher!.close();
      }
    }

    it('publishes every change made during the outage, from its checkpoint, with the ledger event ids', async () => {
      expect(await lastMessageUntil('cut-off', eventOf('DeviceRevoked', 'cut-off').eventId)).toMatchObject({
        orgId,
        deviceId: 'cut-off',
        allowed: false,
        code: 'DEVICE_REVOKED',
      });
      expect(await lastMessageUntil('flapping', eventOf('DeviceRestored', 'flapping').eventId)).toMatchObject({ allowed: true, code: 'ALLOW' });
      expect(await lastMessageUntil('newcomer', eventOf('DeviceRegistered', 'newcomer').eventId)).toMatchObject({ allowed: true, code: 'ALLOW' });
      // The checkpoint moves once the publish is acknowledged, a moment after subscribers see it.
      const lastOutagePosition = eventOf('DeviceRegistered', 'newcomer').position;
      await eventually(
        async () => cp.app.get(PermissionPush).natsPosition ?? 0n,
        (position) => position >= lastOutagePosition,
        { what: `the relay checkpoint reaching ${lastOutagePosition}` },
      );
    }, 60_000);

    it('sends heartbeats and answers request/reply again, without a restart', async () => {
      const heartbeats = nc.subscribe(HEARTBEAT_SUBJECT, { max: 1 });
      for await (const heartbeat of heartbeats) expect(heartbeat.json()).toMatchObject({ nodeId: expect.any(String) });

      const reply = await eventually(
        () =>
          nc
            .request(RPC_VALIDATE_SUBJECT, JSON.stringify({ key: orgKey, deviceId: 'cut-off' }), { timeout: 2000 })
            .then((message) => message.json<Record<string, unknown>>())
            .catch((error: Error) => ({ unanswered: error.message })),
        (answer) => !('unanswered' in answer),
        { what: 'a request/reply answer after the restart', timeoutMs: 30_000 },
      );
      expect(reply).toMatchObject({ allowed: false, code: 'DEVICE_REVOKED', deviceId: 'cut-off' });
    }, 60_000);

    it('lets a runtime start a new lease, which is pushed a revoke', async () => {
      // A device of its own: revoking the shared 'worker' would change what the other tests see.
      const again = await new WardenClient({ baseUrl: cp.url, orgKey, natsUrl: nats.url }).start({ deviceId: 'comeback', watch: 'nats', maxStalenessMs: 10_000 });
      leases.push(again);
      const ended = aborted(again);
      expect(await again.guard(async () => 'worked')).toBe('worked');
      expect((await org.post('/api/v1/devices/revoke', { deviceId: 'comeback' })).status).toBe(200);
      expect(await ended).toMatchObject({ code: 'DEVICE_REVOKED' });
    }, 60_000);
  });
});
