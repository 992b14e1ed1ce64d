import { decisionsStream } from '@warden/ledger';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_TOKEN, startControlPlane } from '../support/control-plane.harness';
import { spawnControlPlane } from '../support/control-plane.process';
import { createOrg, WardenHttp } from '../support/http-client';

describe('restart', () => {
  it('rebuilds every org, device, key and decision from the SQLite ledger', async () => {
    const first = await startControlPlane();
    const http = new WardenHttp(first.url);
    const { orgKey } = await createOrg(http, ADMIN_TOKEN, { planTier: 'pro' });
    const org = http.withKey(orgKey);
    for (const deviceId of ['a', 'b', 'c']) await org.post('/api/v1/devices/register', { deviceId });
    await org.post('/api/v1/devices/revoke', { deviceId: 'b' });
    await org.post('/api/v1/org/limits', { limit: 1 });
    const runtimeKey = (await org.post('/api/v1/org/keys', { scope: 'runtime' })).body.key as string;
    const before = await org.get('/api/v1/devices/list');
    const validated = await org.post('/api/v1/devices/validate', { deviceId: 'a' });
    const nodeId = (await http.get('/health')).body.nodeId as string;
    await first.close();

    const second = await startControlPlane({ dataDir: first.dataDir });
    try {
      const again = new WardenHttp(second.url).withKey(orgKey);
      expect((await again.get('/api/v1/devices/list')).body).toEqual(before.body);
      expect((await again.post('/api/v1/devices/validate', { deviceId: 'c' })).body.code).toBe('LIMIT_EXCEEDED');
      expect((await again.post('/api/v1/devices/validate', { deviceId: 'b' })).body.code).toBe('DEVICE_REVOKED');
      const runtime = new WardenHttp(second.url).withKey(runtimeKey);
      expect((await runtime.post('/api/v1/devices/validate', { deviceId: 'a' })).body.code).toBe('ALLOW');
      expect((await new WardenHttp(second.url).get('/health')).body.nodeId).toBe(nodeId);
      const decisions = await second.ledger.readStream(decisionsStream(nodeId));
      expect(decisions.map((event) => (event.data as { decisionId: string }).decisionId)).toContain(validated.body.request_id);
    } finally {
      await second.close({ removeData: true });
    }
  });

  describe('the npm start process', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'warden-process-'));
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('comes up on SQLite with no other service (saying push goes through SSE only), generates the admin token once, and keeps state across a restart', async () => {
      const first = await spawnControlPlane({ WARDEN_DATA_DIR: dataDir, WARDEN_LOG_LEVEL: 'info' });
      let orgKey: string;
      try {
        expect(first.output.join('\n')).toContain('permission changes are pushed over SSE only');
        // The built bundle finds the SQLite driver for its WAL checkpoint worker.
        expect(first.output.find((line) => line.includes('projection caught up'))).toContain('"walCheckpointsInBackground":true');
        const tokenLine = first.output.findIndex((line) => line.includes('generated the admin token'));
        expect(tokenLine).toBeGreaterThanOrEqual(0);
        const adminToken = first.output.slice(tokenLine + 1).find((line) => line.trim().startsWith('adm_'))!.trim();
        const http = new WardenHttp(first.url);
        orgKey = (await createOrg(http, adminToken)).orgKey;
        expect((await http.withKey(orgKey).post('/api/v1/devices/register', { deviceId: 'p-1' })).body.status).toBe('ok');
      } finally {
        expect(await first.stop()).toBe(0);
      }

      const second = await spawnControlPlane({ WARDEN_DATA_DIR: dataDir, WARDEN_LOG_LEVEL: 'info' });
      try {
        expect(second.output.join('\n')).not.toContain('generated the admin token');
        const answer = await new WardenHttp(second.url).withKey(orgKey).post('/api/v1/devices/validate', { deviceId: 'p-1' });
        expect(answer.body).toMatchObject({ allowed: true, code: 'ALLOW' });
      } finally {
        expect(await second.stop()).toBe(0);
      }
    }, 180_000);

    it('refuses to start on a bad variable, with a message naming it', async () => {
      await expect(spawnControlPlane({ WARDEN_DATA_DIR: dataDir, WARDEN_HTTP_PORT: 'eighty' })).rejects.toThrow(
        /exited \(1\)[\s\S]*WARDEN_HTTP_PORT/,
      );
    }, 180_000);
  });
});
