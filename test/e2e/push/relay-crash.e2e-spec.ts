import { deviceSubject, PERMISSION_STREAM } from '@warden/broadcast';
import { orgStream, SqliteEventLedger } from '@warden/ledger';
import { NatsServerProcess } from '@warden/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { ADMIN_TOKEN } from '../../support/control-plane.harness';
import { spawnControlPlane } from '../../support/control-plane.process';
import { createOrg, WardenHttp } from '../../support/http-client';
import { PermissionSubjectWatcher } from '../../support/permission-subject.watcher';

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
    const doomed = await spawnControlPlane({ ...env, WARDEN_FAULT_INJECTION: 'crash-before-publish' });
    const http = new WardenHttp(doomed.url);
    const { orgKey, orgId } = await createOrg(http, ADMIN_TOKEN);
    await http.withKey(orgKey).post('/api/v1/devices/register', { deviceId: 'c-1' });
    const subject = deviceSubject(orgId, 'c-1');
    const before = await PermissionSubjectWatcher.open(nc, subject);
    expect(await before.next()).toMatchObject({ deviceId: 'c-1', code: 'ALLOW' });
    await before.close();

    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => doomed.process.once('exit', (code, signal) => resolve(signal ?? code)));
    await http.withKey(orgKey).post('/api/v1/devices/revoke', { deviceId: 'c-1' }).catch(() => undefined);
    expect(await exited).toBe(137);

    const ledger = await SqliteEventLedger.open({ path: join(dataDir, 'ledger.sqlite') });
    const events = await ledger.readStream(orgStream(orgId));
    await ledger.close();
    expect(events.at(-1)?.type).toBe('DeviceRevoked');
    const stored = await (await nc.jetstreamManager()).streams.getMessage(PERMISSION_STREAM, { last_by_subj: subject });
    expect(stored.json()).toMatchObject({ code: 'ALLOW' });

    const restarted = await spawnControlPlane(env);
    try {
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
      await restarted.stop();
    }
  }, 180_000);
});
