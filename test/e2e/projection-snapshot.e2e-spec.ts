import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { ADMIN_TOKEN, SQLITE, startControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';

/** A pino logger whose lines (parsed) land in `lines`. */
function capturingLogger() {
  const lines: { msg: string; reason?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, messages: () => lines.map((line) => line.msg), lines };
}

describe('projection snapshot across restarts', () => {
  it('starts from its snapshot, follows on from it, and replays the ledger when the snapshot is corrupt', async () => {
    const first = await startControlPlane({ env: SQLITE });
    const http = new WardenHttp(first.url);
    const { orgKey } = await createOrg(http, ADMIN_TOKEN, { planTier: 'pro' });
    const org = http.withKey(orgKey);
    for (const deviceId of ['a', 'b', 'c', 'd']) await org.post('/api/v1/devices/register', { deviceId });
    await org.post('/api/v1/devices/revoke', { deviceId: 'b' });
    const nodeId = (await http.get('/health')).body.nodeId as string;
    const before = (await org.get('/api/v1/devices/list')).body;
    await first.close();
    const snapshot = join(first.dataDir, `projection-${nodeId}.snapshot`);
    expect(existsSync(snapshot)).toBe(true);

    const restored = capturingLogger();
    const second = await startControlPlane({ dataDir: first.dataDir, env: SQLITE, logger: restored.logger });
    try {
      expect(restored.messages()).toContain('projection restored from its snapshot');
      const again = new WardenHttp(second.url).withKey(orgKey);
      expect((await again.get('/api/v1/devices/list')).body).toEqual(before);
      expect((await again.post('/api/v1/devices/validate', { deviceId: 'b' })).body.code).toBe('DEVICE_REVOKED');
      // Commands after the restore extend the same hash chains, and the projection follows them.
      expect((await again.post('/api/v1/devices/register', { deviceId: 'e' })).body.status).toBe('ok');
      await again.post('/api/v1/devices/revoke', { deviceId: 'a' });
      expect((await again.post('/api/v1/devices/validate', { deviceId: 'a' })).body.code).toBe('DEVICE_REVOKED');
      expect((await again.post('/api/v1/devices/validate', { deviceId: 'e' })).body.code).toBe('ALLOW');
    } finally {
      await second.close();
    }
    const after = (await (async () => {
      const replay = await startControlPlane({ dataDir: first.dataDir, env: { ...SQLITE, WARDEN_SNAPSHOT_INTERVAL_MS: '0' } });
      try {
        return (await new WardenHttp(replay.url).withKey(orgKey).get('/api/v1/devices/list')).body;
      } finally {
        await replay.close();
      }
    })()) as unknown;

    const text = readFileSync(snapshot, 'utf8');
    writeFileSync(snapshot, text.replace('"a"', '"z"'));
    const corrupt = capturingLogger();
    const third = await startControlPlane({ dataDir: first.dataDir, env: SQLITE, logger: corrupt.logger });
    try {
      const refused = corrupt.lines.find((line) => line.msg.startsWith('projection snapshot not used'));
      expect(refused?.reason).toContain('checksum');
      expect(corrupt.messages()).not.toContain('projection restored from its snapshot');
      expect((await new WardenHttp(third.url).withKey(orgKey).get('/api/v1/devices/list')).body).toEqual(after);
    } finally {
      await third.close({ removeData: true });
    }
  });

  it('writes no snapshot when snapshots are off', async () => {
    const plane = await startControlPlane({ env: { ...SQLITE, WARDEN_SNAPSHOT_INTERVAL_MS: '0' } });
    const http = new WardenHttp(plane.url);
    await createOrg(http, ADMIN_TOKEN);
    const nodeId = (await http.get('/health')).body.nodeId as string;
    await plane.close();
    expect(existsSync(join(plane.dataDir, `projection-${nodeId}.snapshot`))).toBe(false);
    rmSync(plane.dataDir, { recursive: true, force: true });
  });
});
