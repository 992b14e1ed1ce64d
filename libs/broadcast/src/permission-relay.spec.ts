import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerIntegrityError } from '@warden/domain';
import { InMemoryEventLedger } from '@warden/ledger';
import { TEST_AT, TEST_ORG_ID, deviceRegistered, deviceRevoked, devicesRegistered, orgExists, orgSuspended } from '@warden/testing';
import { BroadcastUnavailableError, RelayCheckpointCorruptError } from './broadcast.errors';
import type { PermissionMessage } from './permission-contract';
import { PermissionRelay, type PermissionRelayOptions } from './permission-relay';
import { FileRelayCheckpointStore, InMemoryRelayCheckpointStore, type RelayCheckpointStore } from './relay-checkpoint';
import { appendOrgEvents } from './testing/org-event-feed';
import { RecordingPermissionBroadcaster } from './testing/recording-permission-broadcaster';

const codes = (messages: readonly PermissionMessage[]) => messages.map((m) => [m.deviceId, m.code]);

describe('PermissionRelay', () => {
  let ledger: InMemoryEventLedger;
  let broadcaster: RecordingPermissionBroadcaster;
  let checkpoints: RelayCheckpointStore;
  let relays: PermissionRelay[];
  let dirs: string[];

  beforeEach(() => {
    ledger = new InMemoryEventLedger();
    broadcaster = new RecordingPermissionBroadcaster();
    checkpoints = new InMemoryRelayCheckpointStore();
    relays = [];
    dirs = [];
  });

  afterEach(async () => {
    await Promise.all(relays.map((relay) => relay.stop()));
    await ledger.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  function relay(options: Partial<PermissionRelayOptions> = {}): PermissionRelay {
    const created = new PermissionRelay({ ledger, broadcaster, checkpoints, retryDelayMs: { initial: 1, max: 4 }, ...options });
    relays.push(created);
    return created;
  }

  function checkpointFile(): string {
    const dir = mkdtempSync(join(tmpdir(), 'warden-relay-'));
    dirs.push(dir);
    return join(dir, 'relay.checkpoint');
  }

  it('publishes only the changes of events after its checkpoint', async () => {
    await appendOrgEvents(ledger, ...orgExists(), ...devicesRegistered('d1', 'd2'));
    checkpoints = new InMemoryRelayCheckpointStore(await appendOrgEvents(ledger, deviceRevoked('d1')));
    const last = await appendOrgEvents(ledger, deviceRevoked('d2'));

    await relay().start();

    expect(codes(broadcaster.messages)).toEqual([['d2', 'DEVICE_REVOKED']]);
    expect(await checkpoints.load()).toBe(last);
  });

  describe('when its checkpoint lies beyond the end of the ledger (a ledger restored from an older backup)', () => {
    it('ignores the checkpoint, says so, and publishes the changes it would otherwise skip', async () => {
      await appendOrgEvents(ledger, ...orgExists(), ...devicesRegistered('d1'));
      const last = await appendOrgEvents(ledger, deviceRevoked('d1'));
      checkpoints = new InMemoryRelayCheckpointStore(last + 100n);
      const ahead: [bigint, bigint | undefined][] = [];

      await relay({ onCheckpointAhead: (checkpoint, head) => ahead.push([checkpoint, head]) }).start();

      expect(ahead).toEqual([[last + 100n, last]]);
      expect(codes(broadcaster.messages)).toEqual([['d1', 'ALLOW'], ['d1', 'DEVICE_REVOKED']]);
      expect(await checkpoints.load()).toBe(last);
    });
  });

  it('publishes live changes in ledger order, one batch per event, then saves its checkpoint', async () => {
    await appendOrgEvents(ledger, ...orgExists(), ...devicesRegistered('d1', 'd2'));
    const published: (readonly PermissionMessage[])[] = [];
    const running = relay({ onPublished: (messages) => published.push(messages) });
    await running.start();

    const position = await appendOrgEvents(ledger, deviceRevoked('d1'), orgSuspended());
    await broadcaster.waitForMessages(5);

    expect(codes(broadcaster.messages)).toEqual([
      ['d1', 'ALLOW'],
      ['d2', 'ALLOW'],
      ['d1', 'DEVICE_REVOKED'],
      [null, 'ORG_SUSPENDED'],
      ['d2', 'ORG_SUSPENDED'],
    ]);
    expect(broadcaster.messages[2]).toMatchObject({ orgId: TEST_ORG_ID, allowed: false, at: TEST_AT });
    expect(broadcaster.batches.map((batch) => batch.length)).toEqual([1, 1, 1, 2]);
    await running.stop();
    expect(published).toEqual(broadcaster.batches);
    expect(running.position).toBe(position);
    expect(await checkpoints.load()).toBe(position);
  });

  describe('after a crash between the append and the publish', () => {
    it('a new relay on the same checkpoint publishes what was missed', async () => {
      const path = checkpointFile();
      await appendOrgEvents(ledger, ...orgExists(), deviceRegistered('d1'));
      let crashing = false;
      let crashed!: () => void;
      const crash = new Promise<void>((resolve) => (crashed = resolve));
      const first = relay({
        checkpoints: new FileRelayCheckpointStore(path),
        beforePublish: () => {
          if (!crashing) return;
          crashed();
          throw new BroadcastUnavailableError('injected: the process dies before publishing');
        },
      });
      await first.start();
      const saved = await new FileRelayCheckpointStore(path).load();

      crashing = true;
      const revoke = await appendOrgEvents(ledger, deviceRevoked('d1'));
      await crash;
      await first.stop();
      expect(codes(broadcaster.messages)).toEqual([['d1', 'ALLOW']]);
      expect(await new FileRelayCheckpointStore(path).load()).toBe(saved);

      const restarted = new RecordingPermissionBroadcaster();
      await relay({ broadcaster: restarted, checkpoints: new FileRelayCheckpointStore(path) }).start();
      expect(codes(restarted.messages)).toEqual([['d1', 'DEVICE_REVOKED']]);
      expect(await new FileRelayCheckpointStore(path).load()).toBe(revoke);
    });
  });

  describe('while the broadcaster fails', () => {
    it('retries the same messages without advancing, then publishes them in order', async () => {
      await appendOrgEvents(ledger, ...orgExists(), ...devicesRegistered('d1', 'd2'));
      const errors: unknown[] = [];
      const running = relay({ onError: (error) => errors.push(error) });
      await running.start();
      const reached = running.position;
      const attempts = broadcaster.attempts;

      broadcaster.failWith();
      const last = await appendOrgEvents(ledger, deviceRevoked('d1'), deviceRevoked('d2'));
      await broadcaster.waitForAttempts(attempts + 3);
      expect(broadcaster.messages).toHaveLength(2);
      expect(running.position).toBe(reached);
      expect(await checkpoints.load()).toBe(reached);

      broadcaster.heal();
      await broadcaster.waitForMessages(4);
      expect(codes(broadcaster.messages.slice(2))).toEqual([
        ['d1', 'DEVICE_REVOKED'],
        ['d2', 'DEVICE_REVOKED'],
      ]);
      expect(errors.length).toBeGreaterThanOrEqual(3);
      expect(errors.every((error) => error instanceof BroadcastUnavailableError)).toBe(true);
      await running.stop();
      expect(await checkpoints.load()).toBe(last);
    });
  });

  it('refuses a corrupt checkpoint instead of starting over', async () => {
    const path = checkpointFile();
    writeFileSync(path, 'garbage');
    await expect(relay({ checkpoints: new FileRelayCheckpointStore(path) }).start()).rejects.toBeInstanceOf(RelayCheckpointCorruptError);
  });

  it('stops for good on a malformed event', async () => {
    await appendOrgEvents(ledger, ...orgExists(), { type: 'DeviceRevoked', data: { orgId: TEST_ORG_ID, at: TEST_AT } });
    const failing = relay();
    await expect(failing.start()).rejects.toBeInstanceOf(LedgerIntegrityError);
    expect(failing.failed).toBeInstanceOf(LedgerIntegrityError);
  });

  it('refuses to start twice', async () => {
    const running = relay();
    await running.start();
    await expect(running.start()).rejects.toMatchObject({ code: 'relay_running' });
  });
});
