import { NatsServerProcess } from '@warden/testing';
import { connect, DeliverPolicy, nanos, StorageType, type JetStreamManager, type NatsConnection } from 'nats';
import { BroadcastUnavailableError } from './broadcast.errors';
import { HeartbeatPublisher } from './heartbeat-publisher';
import { NatsPermissionBroadcaster } from './nats-permission-broadcaster';
import {
  HEARTBEAT_SUBJECT,
  PERMISSION_STREAM,
  deviceSubject,
  orgSubject,
  permissionMessageId,
  type HeartbeatMessage,
  type PermissionMessage,
} from './permission-contract';

function message(orgId: string, deviceId: string | null, code: string, position: number): PermissionMessage {
  return { orgId, deviceId, allowed: code === 'ALLOW', code, position: String(position), eventId: `e${position}`, at: '2030-01-01T00:00:00.000Z' };
}

describe('NatsPermissionBroadcaster', () => {
  let server: NatsServerProcess;
  let broadcaster: NatsPermissionBroadcaster;
  let observer: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    server = await NatsServerProcess.start();
    broadcaster = await NatsPermissionBroadcaster.connect(server.url, { publishTimeoutMs: 500, reconnectTimeWaitMs: 50 });
    observer = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 50 });
    jsm = await observer.jetstreamManager();
  });

  afterAll(async () => {
    await broadcaster?.close();
    await observer?.close();
    await server?.dispose();
  });

  async function stored(subject: string, manager = jsm): Promise<{ message: PermissionMessage; msgId: string | undefined }> {
    const entry = await manager.streams.getMessage(PERMISSION_STREAM, { last_by_subj: subject });
    return { message: entry.json<PermissionMessage>(), msgId: entry.header.get('Nats-Msg-Id') };
  }

  async function lastSequence(): Promise<number> {
    return (await jsm.streams.info(PERMISSION_STREAM)).state.last_seq;
  }

  it('creates a file stream that keeps the last message per subject and deduplicates', async () => {
    const { config } = await jsm.streams.info(PERMISSION_STREAM);
    expect(config).toMatchObject({ max_msgs_per_subject: 1, storage: StorageType.File, duplicate_window: nanos(120_000) });
  });

  it('publishes device messages to the device subject and org messages to the org subject', async () => {
    const device = message('acme', 'host.1 ü*', 'DEVICE_REVOKED', 1);
    const org = message('acme', null, 'ORG_SUSPENDED', 2);
    await broadcaster.publish([device, org]);
    expect(await stored(deviceSubject('acme', 'host.1 ü*'))).toEqual({ message: device, msgId: permissionMessageId(device) });
    expect(await stored(orgSubject('acme'))).toEqual({ message: org, msgId: permissionMessageId(org) });
  });

  it('stores a message published twice once', async () => {
    const revoked = message('dedupe', 'd1', 'DEVICE_REVOKED', 3);
    await broadcaster.publish([revoked]);
    const sequence = await lastSequence();
    await broadcaster.publish([revoked]);
    expect(await lastSequence()).toBe(sequence);
    await broadcaster.publish([message('dedupe', 'd1', 'ALLOW', 4)]);
    expect(await lastSequence()).toBe(sequence + 1);
  });

  it('gives a new subscriber the current state of its device and org first, then live changes', async () => {
    await broadcaster.publish([message('live', 'd1', 'ALLOW', 10)]);
    await broadcaster.publish([message('live', 'd1', 'DEVICE_REVOKED', 11)]);
    await broadcaster.publish([message('live', 'd2', 'DEVICE_REVOKED', 12), message('live', null, 'ORG_SUSPENDED', 12)]);

    // One consumer per subject: this nats-server (2.9) predates consumers with several filter subjects.
    const js = observer.jetstream();
    const watch = (subject: string) =>
      js.consumers.get(PERMISSION_STREAM, { filterSubjects: subject, deliver_policy: DeliverPolicy.LastPerSubject });
    const [device, org] = await Promise.all([watch(deviceSubject('live', 'd1')), watch(orgSubject('live'))]);
    const next = async (consumer: typeof device) => (await consumer.next({ expires: 5000 }))?.json<PermissionMessage>();

    expect(await next(device)).toMatchObject({ deviceId: 'd1', code: 'DEVICE_REVOKED', position: '11' });
    expect(await next(org)).toMatchObject({ deviceId: null, code: 'ORG_SUSPENDED', position: '12' });

    await broadcaster.publish([message('live', 'd2', 'ALLOW', 13), message('live', 'd1', 'ALLOW', 13)]);
    await broadcaster.publish([message('live', null, 'ALLOW', 14)]);
    expect(await next(device)).toMatchObject({ deviceId: 'd1', code: 'ALLOW', position: '13' });
    expect(await next(org)).toMatchObject({ deviceId: null, code: 'ALLOW', position: '14' });
    await Promise.all([device.delete(), org.delete()]);
  });

  it('stores the org-level message of a batch before its device messages, so a suspend reaches every runtime first', async () => {
    await broadcaster.publish([message('first', 'd1', 'ORG_SUSPENDED', 40), message('first', 'd2', 'ORG_SUSPENDED', 40), message('first', null, 'ORG_SUSPENDED', 40)]);
    const sequence = async (subject: string) => (await jsm.streams.getMessage(PERMISSION_STREAM, { last_by_subj: subject })).seq;
    const org = await sequence(orgSubject('first'));
    expect(org).toBeLessThan(await sequence(deviceSubject('first', 'd1')));
    expect(org).toBeLessThan(await sequence(deviceSubject('first', 'd2')));
  });

  it('sends heartbeats on core NATS', async () => {
    const subscription = observer.subscribe(HEARTBEAT_SUBJECT, { max: 2 });
    await observer.flush();
    const heartbeats = new HeartbeatPublisher({ sink: broadcaster, nodeId: 'node-1', position: () => 42n, intervalMs: 10 });
    heartbeats.start();
    const received: HeartbeatMessage[] = [];
    for await (const msg of subscription) received.push(msg.json<HeartbeatMessage>());
    await heartbeats.stop();
    expect(received).toHaveLength(2);
    expect(received[0]).toMatchObject({ nodeId: 'node-1', position: '42' });
  });

  describe('when the stream is not as expected', () => {
    it('brings a changed per-subject limit back on connect', async () => {
      const { config } = await jsm.streams.info(PERMISSION_STREAM);
      await jsm.streams.update(PERMISSION_STREAM, { ...config, max_msgs_per_subject: 5 });
      const second = await NatsPermissionBroadcaster.connect(server.url);
      await second.close();
      expect((await jsm.streams.info(PERMISSION_STREAM)).config.max_msgs_per_subject).toBe(1);
    });

    it('recreates a deleted stream on the publish after the one that found it missing', async () => {
      await jsm.streams.delete(PERMISSION_STREAM);
      const revoked = message('recreated', 'd1', 'DEVICE_REVOKED', 30);
      await expect(broadcaster.publish([revoked])).rejects.toMatchObject({ kind: 'unavailable', natsCode: '503' });
      await broadcaster.publish([revoked]);
      expect((await stored(deviceSubject('recreated', 'd1'))).message).toEqual(revoked);
    });
  });

  describe('while the server is down', () => {
    it('rejects with BroadcastUnavailableError, and publishes again once it is back', async () => {
      await server.stop();
      await broadcaster.waitForStatus('reconnecting');
      const during = message('outage', 'd1', 'DEVICE_REVOKED', 20);
      const failure = await broadcaster.publish([during]).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(BroadcastUnavailableError);
      expect(failure).toMatchObject({ kind: 'unavailable', code: 'broadcast_unavailable' });
      await expect(broadcaster.publishHeartbeat({ nodeId: 'n', at: 'now', position: '0' })).rejects.toBeInstanceOf(BroadcastUnavailableError);

      await server.restart();
      await broadcaster.waitForStatus('connected');
      await broadcaster.publish([during]);
      const after = message('outage', 'd1', 'ALLOW', 21);
      await broadcaster.publish([after]);
      // A fresh connection: a request the observer made before it reconnected would go unanswered.
      const fresh = await connect({ servers: server.url });
      try {
        expect((await stored(deviceSubject('outage', 'd1'), await fresh.jetstreamManager())).message).toEqual(after);
      } finally {
        await fresh.close();
      }
    });
  });

  describe('once closed', () => {
    it('reports closed and rejects publishes as unavailable', async () => {
      const closing = await NatsPermissionBroadcaster.connect(server.url);
      await closing.close();
      expect(closing.status).toBe('closed');
      await expect(closing.publish([message('closed', 'd1', 'ALLOW', 1)])).rejects.toBeInstanceOf(BroadcastUnavailableError);
    });
  });

  it('fails to connect with BroadcastUnavailableError when no server listens', async () => {
    await expect(NatsPermissionBroadcaster.connect('nats://127.0.0.1:1')).rejects.toBeInstanceOf(BroadcastUnavailableError);
  });
});
