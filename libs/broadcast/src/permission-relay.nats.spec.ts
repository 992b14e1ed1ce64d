import { InMemoryEventLedger } from '@warden/ledger';
import { NatsServerProcess, TEST_ORG_ID, deviceRegistered, deviceRevoked, orgExists } from '@warden/testing';
import { connect } from 'nats';
import { BroadcastUnavailableError } from './broadcast.errors';
import { NatsPermissionBroadcaster } from './nats-permission-broadcaster';
import { PERMISSION_STREAM, deviceSubject, type PermissionMessage } from './permission-contract';
import { PermissionRelay } from './permission-relay';
import { InMemoryRelayCheckpointStore } from './relay-checkpoint';
import { appendOrgEvents } from './testing/org-event-feed';

describe('PermissionRelay over NATS', () => {
  let server: NatsServerProcess;
  let broadcaster: NatsPermissionBroadcaster;
  let ledger: InMemoryEventLedger;
  let relay: PermissionRelay | undefined;

  beforeEach(async () => {
    server = await NatsServerProcess.start();
    broadcaster = await NatsPermissionBroadcaster.connect(server.url, { publishTimeoutMs: 200, reconnectTimeWaitMs: 50 });
    ledger = new InMemoryEventLedger();
  });

  afterEach(async () => {
    await relay?.stop();
    await ledger.close();
    await broadcaster.close();
    await server.dispose();
  });

  it('publishes a revoke appended while NATS is down once NATS is back', async () => {
    await appendOrgEvents(ledger, ...orgExists(), deviceRegistered('d1'));
    let failed!: (error: unknown) => void;
    const firstFailure = new Promise<unknown>((resolve) => (failed = resolve));
    let delivered!: () => void;
    const revokePublished = new Promise<void>((resolve) => (delivered = resolve));
    relay = new PermissionRelay({
      ledger,
      broadcaster,
      checkpoints: new InMemoryRelayCheckpointStore(),
      retryDelayMs: { initial: 10, max: 100 },
      onError: (error) => failed(error),
      onPublished: (messages) => {
        if (messages.some((m) => m.code === 'DEVICE_REVOKED')) delivered();
      },
    });
    await relay.start();

    await server.stop();
    await broadcaster.waitForStatus('reconnecting');
    const position = await appendOrgEvents(ledger, deviceRevoked('d1'));
    expect(await firstFailure).toBeInstanceOf(BroadcastUnavailableError);
    expect(relay.position).toBeLessThan(position);

    await server.restart();
    await revokePublished;
    expect(relay.position).toBe(position);
    const observer = await connect({ servers: server.url });
    try {
      const jsm = await observer.jetstreamManager();
      const stored = await jsm.streams.getMessage(PERMISSION_STREAM, { last_by_subj: deviceSubject(TEST_ORG_ID, 'd1') });
      expect(stored.json<PermissionMessage>()).toMatchObject({ code: 'DEVICE_REVOKED', position: position.toString() });
    } finally {
      await observer.close();
    }
  });
});
