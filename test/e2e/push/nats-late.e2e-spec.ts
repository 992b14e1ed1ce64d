import { NatsServerProcess } from '@warden/testing';
import { WardenClient } from '@warden/sdk';
import { ADMIN_TOKEN, startControlPlane } from '../../support/control-plane.harness';
import { createOrg, WardenHttp } from '../../support/http-client';
import { natsReady } from '../../support/nats-ready';

describe('when NATS is down at start-up', () => {
  it('serves HTTP at once, and pushes over NATS once NATS comes up', async () => {
    const nats = await NatsServerProcess.start();
    await nats.stop();
    const cp = await startControlPlane({ env: { NATS_URL: nats.url } });
    try {
      const http = new WardenHttp(cp.url);
      const { orgKey } = await createOrg(http, ADMIN_TOKEN);
      const org = http.withKey(orgKey);
      await org.post('/api/v1/devices/register', { deviceId: 'late-1' });
      expect((await org.post('/api/v1/devices/validate', { deviceId: 'late-1' })).body.code).toBe('ALLOW');

      await nats.restart();
      await natsReady(cp.app);
      const lease = await new WardenClient({ baseUrl: cp.url, orgKey, natsUrl: nats.url }).start({ deviceId: 'late-1', watch: 'nats' });
      const aborted = new Promise((resolve) => lease.signal.addEventListener('abort', () => resolve(lease.signal.reason), { once: true }));
      await org.post('/api/v1/devices/revoke', { deviceId: 'late-1' });
      expect(await aborted).toMatchObject({ code: 'DEVICE_REVOKED' });
      await lease.close();
    } finally {
      await cp.close({ removeData: true });
      await nats.dispose();
    }
  }, 60_000);
});
