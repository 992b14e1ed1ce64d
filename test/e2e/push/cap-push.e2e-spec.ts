import { deviceSubject, PERMISSION_STREAM } from '@warden/broadcast';
import { NatsServerProcess } from '@warden/testing';
import { connect, type NatsConnection } from 'nats';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../../support/control-plane.harness';
import { createOrg, WardenHttp } from '../../support/http-client';
import { PermissionSubjectWatcher } from '../../support/permission-subject.watcher';
import { natsReady } from '../../support/nats-ready';

describe('cap changes pushed over NATS', () => {
  let nats: NatsServerProcess;
  let cp: RunningControlPlane;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    cp = await startControlPlane({ env: { NATS_URL: nats.url } });
    await natsReady(cp.app);
    nc = await connect({ servers: nats.url });
  });
  afterAll(async () => {
    await nc.close();
    await cp.close({ removeData: true });
    await nats.dispose();
  });

  async function lastStored(subject: string) {
    return (await (await nc.jetstreamManager()).streams.getMessage(PERMISSION_STREAM, { last_by_subj: subject })).json<{ code: string; position: string }>();
  }

  it('pushes LIMIT_EXCEEDED to exactly the newest devices beyond a lowered cap, and ALLOW to them when it is raised', async () => {
    const { orgKey, orgId } = await createOrg(http(), ADMIN_TOKEN, { planTier: 'pro' });
    const org = http().withKey(orgKey);
    const devices = ['d1', 'd2', 'd3', 'd4', 'd5'];
    for (const deviceId of devices) await org.post('/api/v1/devices/register', { deviceId });
    const watchers = await Promise.all(devices.map((deviceId) => PermissionSubjectWatcher.open(nc, deviceSubject(orgId, deviceId))));
    for (const watcher of watchers) expect(await watcher.next()).toMatchObject({ code: 'ALLOW' });

    const lowered = await org.post('/api/v1/org/limits', { limit: 3 });
    for (const i of [3, 4]) {
      expect(await watchers[i]!.next()).toMatchObject({ deviceId: devices[i], allowed: false, code: 'LIMIT_EXCEEDED', position: lowered.body.position });
    }
    for (const i of [0, 1, 2]) {
      const last = await lastStored(deviceSubject(orgId, devices[i]!));
      expect(last.code).toBe('ALLOW');
      expect(BigInt(last.position)).toBeLessThan(BigInt(lowered.body.position));
    }

    const raised = await org.post('/api/v1/org/limits', { limit: 25 });
    for (const i of [3, 4]) {
      expect(await watchers[i]!.next()).toMatchObject({ deviceId: devices[i], allowed: true, code: 'ALLOW', position: raised.body.position });
    }
    for (const i of [0, 1, 2]) expect(BigInt((await lastStored(deviceSubject(orgId, devices[i]!))).position)).toBeLessThan(BigInt(lowered.body.position));
    await Promise.all(watchers.map((watcher) => watcher.close()));
  });

  function http(): WardenHttp {
    return new WardenHttp(cp.url);
  }
});
