import { deviceSubject, PERMISSION_STREAM } from '@warden/broadcast';
import { orgStream, SqliteEventLedger } from '@warden/ledger';
import { NatsServerProcess } from '@warden/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { ADMIN_TOKEN } from '../../support/control-plane.harness';
import { spawnControlPlane, spawnControlPlaneFromSource, type ControlPlaneProcess } from '../../support/control-plane.process';
import { createOrg, WardenHttp } from '../../support/http-client';
import { PermissionSubjectWatcher } from '../../support/permission-subject.watcher';

/** Logged once the NATS relay has caught up (the permission stream exists from then on). */
const NATS_READY = /pushing permission changes to NATS JetStream/;

describe('relay crash between the append and the publish', () => {
  let nats: NatsServerProcess;
  let nc: NatsConnection;
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-crash-'));

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    nc = await connect({ servers: nats.url });
  });
  afterAll(async () => {
    await nc.close();
    await nats.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('publishes the revoke after the control plane restarts', async () => {
    const env = { WARDEN_DATA_DIR: dataDir, NATS_URL: nats.url, WARDEN_ADMIN_TOKEN: ADMIN_TOKEN, WARDEN_LOG_LEVEL: 'info' };
    const doomed = await spawnControlPlaneFromSource(join(__dirname, '../../support/crash-before-publish.main.ts'), env);
    let restarted: ControlPlaneProcess | undefined;
    try {
      await doomed.waitForOutput(NATS_READY);
      const http = new WardenHttp(doomed.url);
      const { orgKey, orgId } = await createOrg(http, ADMIN_TOKEN);
      await http.withKey(orgKey).post('/api/v1/devices/register', { deviceId: 'c-1' });
      const subject = deviceSubject(orgId, 'c-1');
      const before = await PermissionSubjectWatcher.open(nc, subject);
      expect(await before.next()).toMatchObject({ deviceId: 'c-1', code: 'ALLOW' });
      await before.close();

      await http.withKey(orgKey).post('/api/v1/devices/revoke', { deviceId: 'c-1' }).catch(() => undefined);
      expect(await doomed.stop()).toBe(137);

      const ledger = await SqliteEventLedger.open({ path: join(dataDir, 'ledger.sqlite') });
      const events = await ledger.readStream(orgStream(orgId));
      await ledger.close();
      expect(events.at(-1)?.type).toBe('DeviceRevoked');
      const stored = await (await nc.jetstreamManager()).streams.getMessage(PERMISSION_STREAM, { last_by_subj: subject });
      expect(stored.json()).toMatchObject({ code: 'ALLOW' });

      restarted = await spawnControlPlane(env);
      const after = await PermissionSubjectWatcher.open(nc, subject);
      expect(await after.until((message) => message.code !== 'ALLOW')).toMatchObject({
        orgId,
        deviceId: 'c-1',
        allowed: false,
        code: 'DEVICE_REVOKED',
        eventId: events.at(-1)!.eventId,
      });
      await after.close();
    } finally {
      await doomed.stop();
      await restarted?.stop();
    }
  }, 180_000);
});
