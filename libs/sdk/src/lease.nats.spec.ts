import { connect, type NatsConnection } from 'nats';
import {
  ackSubject,
  deviceSubject,
  HEARTBEAT_SUBJECT,
  orgSubject,
  PERMISSION_STREAM,
  PERMISSION_SUBJECTS_WILDCARD,
  permissionMessageId,
  type PermissionMessage,
} from './permission-contract';
import { NatsServerProcess } from '@warden/testing';
import type { Lease } from './lease';
import { ControlPlaneStale, ExecutionDenied, WardenUnavailableError } from './sdk.errors';
import { abortReason } from './testing/abort-reason';
import { allow, FakeControlPlane, heartbeat, TEST_KEY } from './testing/fake-control-plane';
import { TcpProxy } from './testing/tcp-proxy';
import { WardenClient } from './warden-client';

jest.setTimeout(15_000);

describe('a lease watching over NATS', () => {
  let nats: NatsServerProcess;
  let relay: NatsConnection;
  let fake: FakeControlPlane;
  let client: WardenClient;
  let leases: Lease[];
  let proxies: TcpProxy[];
  let testCount = 0;
  let orgId: string;
  let deviceId: string;

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    relay = await connect({ servers: nats.url });
    const jsm = await relay.jetstreamManager();
    await jsm.streams.add({ name: PERMISSION_STREAM, subjects: [PERMISSION_SUBJECTS_WILDCARD], max_msgs_per_subject: 1 });
    fake = await FakeControlPlane.start();
    client = new WardenClient({ baseUrl: fake.url, orgKey: TEST_KEY });
  });
  afterAll(async () => {
    await relay?.close();
    await fake?.close();
    await nats?.dispose();
  });

  beforeEach(() => {
    // Every test has its own org and device: the stream keeps the last message of each subject.
    testCount++;
    orgId = `org-${testCount}`;
    deviceId = `agent/${testCount}`;
    fake.answers.set('POST /api/v1/devices/validate', { status: 200, body: { ...allow('10'), orgId, deviceId } });
    leases = [];
    proxies = [];
  });
  afterEach(async () => {
    await Promise.all(leases.map((lease) => lease.close()));
    await Promise.all(proxies.map((proxy) => proxy.close()));
  });

  async function start(options: { natsUrl?: string; maxStalenessMs?: number } = {}): Promise<Lease> {
    const lease = await client.start({ deviceId, natsUrl: options.natsUrl ?? nats.url, maxStalenessMs: options.maxStalenessMs ?? 60_000 });
    leases.push(lease);
    return lease;
  }

  function message(fields: Partial<PermissionMessage> & Pick<PermissionMessage, 'position'>): PermissionMessage {
    const allowed = fields.allowed ?? false;
    return { orgId, deviceId, allowed, code: allowed ? 'ALLOW' : 'DEVICE_REVOKED', eventId: `evt-${fields.position}`, at: new Date().toISOString(), ...fields };
  }

  /** Publishes as the relay does: to the device's or the org's subject, with the dedupe id, acknowledged by the stream. */
  async function publish(msg: PermissionMessage): Promise<void> {
    const subject = msg.deviceId === null ? orgSubject(msg.orgId) : deviceSubject(msg.orgId, msg.deviceId);
    await relay.jetstream().publish(subject, JSON.stringify(msg), { msgID: permissionMessageId(msg) });
  }

  it('aborts with ExecutionDenied when the device is revoked', async () => {
    const lease = await start();

    await publish(message({ allowed: false, code: 'DEVICE_REVOKED', position: '11' }));
    const reason = await abortReason(lease.signal);

    expect(reason).toBeInstanceOf(ExecutionDenied);
    expect(reason).toMatchObject({ code: 'DEVICE_REVOKED' });
    expect(lease.transport).toBe('nats');
  });

  it('acknowledges the change it applied over NATS, on its org\'s ack subject, with the key', async () => {
    const acks: Record<string, unknown>[] = [];
    const received = new Promise<void>((resolve) => {
      relay.subscribe(ackSubject(orgId), {
        max: 1,
        callback: (_error, msg) => {
          acks.push(JSON.parse(Buffer.from(msg.data).toString('utf8')) as Record<string, unknown>);
          msg.respond(JSON.stringify({ status: 'ok', duplicate: false }));
          resolve();
        },
      });
    });
    await relay.flush();
    const lease = await start();
    const overHttpBefore = fake.count('/api/v1/devices/ack');

    await publish(message({ allowed: false, code: 'DEVICE_REVOKED', position: '11' }));
    await abortReason(lease.signal);
    await received;

    expect(acks).toEqual([{ key: TEST_KEY, deviceId, position: '11', receivedAt: expect.any(String), stoppedAt: expect.any(String), transport: 'nats' }]);
    expect(fake.count('/api/v1/devices/ack')).toBe(overHttpBefore);
  });

  it('acknowledges over HTTP when nobody answers on NATS', async () => {
    const lease = await start();
    const before = fake.count('/api/v1/devices/ack');

    await publish(message({ allowed: false, code: 'DEVICE_REVOKED', position: '11' }));
    await abortReason(lease.signal);
    await fake.requestsTo('/api/v1/devices/ack', before + 1);

    const ack = fake.requests.filter((request) => request.path === '/api/v1/devices/ack').at(-1)!;
    expect(ack.body).toMatchObject({ deviceId, position: '11', transport: 'nats' });
  });

  it('aborts with ORG_SUSPENDED when its org is suspended', async () => {
    const lease = await start();

    await publish(message({ deviceId: null, allowed: false, code: 'ORG_SUSPENDED', position: '11' }));

    await expect(abortReason(lease.signal)).resolves.toMatchObject({ code: 'ORG_SUSPENDED' });
  });

  it('does not act on messages for another device or another org', async () => {
    const lease = await start();

    await publish(message({ deviceId: 'agent/other', allowed: false, code: 'LIMIT_EXCEEDED', position: '11' }));
    await publish(message({ orgId: `${orgId}-other`, deviceId: null, allowed: false, code: 'ORG_SUSPENDED', position: '11' }));
    await publish(message({ allowed: true, position: '12' }));
    await publish(message({ allowed: false, code: 'DEVICE_NOT_REGISTERED', position: '12' }));
    await publish(message({ allowed: false, code: 'DEVICE_REVOKED', position: '13' }));

    const reason = await abortReason(lease.signal);
    expect(reason).toMatchObject({ code: 'DEVICE_REVOKED' });
    expect((reason as Error).message).toContain(deviceId);
  });

  it('gets the current state first: a revoke stored after its validation is acted on', async () => {
    await publish(message({ allowed: false, code: 'DEVICE_REVOKED', position: '11' }));

    const outcome = await start().then(
      (lease) => abortReason(lease.signal),
      (error: unknown) => error,
    );

    expect(outcome).toMatchObject({ code: 'DEVICE_REVOKED' });
  });

  it('refuses to start when the permission stream does not exist', async () => {
    const bare = await NatsServerProcess.start();
    try {
      const thrown = await client.start({ deviceId, natsUrl: bare.url }).catch((e: unknown) => e);

      expect(thrown).toBeInstanceOf(WardenUnavailableError);
      expect((thrown as Error).message).toMatch(/stream not found/);
    } finally {
      await bare.dispose();
    }
  });

  describe('when its connection to NATS is down while the device is revoked', () => {
    it('is told once it reconnects', async () => {
      const proxy = await TcpProxy.start(nats.port);
      proxies.push(proxy);
      const lease = await start({ natsUrl: proxy.url });

      await proxy.cut();
      await publish(message({ allowed: false, code: 'DEVICE_REVOKED', position: '11' }));
      expect(lease.active).toBe(true);
      proxy.restore();

      await expect(abortReason(lease.signal)).resolves.toMatchObject({ code: 'DEVICE_REVOKED' });
    });

    it('is told once it reconnects after a nats-server restart', async () => {
      const proxy = await TcpProxy.start(nats.port);
      proxies.push(proxy);
      const lease = await start({ natsUrl: proxy.url });
      await publish(message({ allowed: true, position: '11' }));

      await proxy.cut();
      await relay.close();
      await nats.restart();
      relay = await connect({ servers: nats.url });
      await publish(message({ allowed: false, code: 'DEVICE_REVOKED', position: '12' }));
      expect(lease.active).toBe(true);
      proxy.restore();

      await expect(abortReason(lease.signal)).resolves.toMatchObject({ code: 'DEVICE_REVOKED' });
    });
  });

  describe('staleness', () => {
    it('stays alive on heartbeats past maxStalenessMs, and fails closed when they stop', async () => {
      const startedAt = performance.now();
      const lease = await start({ maxStalenessMs: 400 });
      const reason = abortReason(lease.signal);

      let beats = 0;
      await new Promise<void>((resolve) => {
        const beat = setInterval(() => {
          relay.publish(HEARTBEAT_SUBJECT, JSON.stringify(heartbeat()));
          if (++beats === 20) resolve(clearInterval(beat));
        }, 50);
      });
      await relay.flush();
      expect(performance.now() - startedAt).toBeGreaterThan(800);
      expect(lease.active).toBe(true);

      const stale = await reason;
      expect(stale).toBeInstanceOf(ControlPlaneStale);
      expect(stale).toMatchObject({ code: 'CONTROL_PLANE_STALE', maxStalenessMs: 400 });
    });

    it('ignores malformed heartbeats', async () => {
      const lease = await start({ maxStalenessMs: 300 });
      const reason = abortReason(lease.signal);

      const sending = setInterval(() => relay.publish(HEARTBEAT_SUBJECT, '{"not":"a heartbeat"}'), 50);
      try {
        await expect(reason).resolves.toBeInstanceOf(ControlPlaneStale);
      } finally {
        clearInterval(sending);
      }
    });
  });
});
