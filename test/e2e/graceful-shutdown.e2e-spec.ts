import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnControlPlane } from '../support/control-plane.process';
import { createOrg, WardenHttp } from '../support/http-client';

const ADMIN = 'shutdown-admin-token-0123456789';

describe('graceful shutdown of the npm start process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-shutdown-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('exits 0 on SIGTERM while clients keep their connections busy with validations', async () => {
    const cp = await spawnControlPlane({ WARDEN_DATA_DIR: dataDir, WARDEN_LOG_LEVEL: 'info', WARDEN_ADMIN_TOKEN: ADMIN });
    const http = new WardenHttp(cp.url);
    const { orgKey } = await createOrg(http, ADMIN);
    await http.withKey(orgKey).post('/api/v1/devices/register', { deviceId: 'busy-1' });
    let answered = 0;
    let enoughAnswers: () => void = () => undefined;
    const warmedUp = new Promise<void>((resolve) => (enoughAnswers = resolve));
    // Kept-alive connections, each sending its next validation the moment the last is answered.
    const load = autocannon(
      {
        url: `${cp.url}/api/v1/devices/validate`,
        method: 'POST',
        connections: 20,
        duration: 40,
        headers: { 'content-type': 'application/json', 'x-org-key': orgKey },
        body: JSON.stringify({ deviceId: 'busy-1' }),
      },
      () => undefined, // with a callback autocannon returns its instance (events, stop) rather than a promise
    );
    load.on('response', () => {
      if (++answered === 500) enoughAnswers();
    });
    await warmedUp;
    const exit = await Promise.race([cp.stop(), new Promise((resolve) => setTimeout(() => resolve('still running after 15 s'), 15_000).unref())]);
    load.stop();
    if (exit !== 0) cp.process.kill('SIGKILL');
    expect(exit).toBe(0);
  }, 60_000);
});
