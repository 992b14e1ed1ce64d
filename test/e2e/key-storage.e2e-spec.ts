import { hashKey } from '@warden/enforcement';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_TOKEN, SQLITE, startControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';

describe('key storage', () => {
  it('keeps no API key in plaintext in the ledger files, only its sha256 hash', async () => {
    const cp = await startControlPlane({ env: SQLITE });
    const http = new WardenHttp(cp.url);
    const { orgKey } = await createOrg(http, ADMIN_TOKEN);
    const runtimeKey = (await http.withKey(orgKey).post('/api/v1/org/keys', { scope: 'runtime' })).body.key as string;
    await http.withKey(runtimeKey).post('/api/v1/devices/register', { deviceId: 'k-1' });
    await http.withKey(runtimeKey).post('/api/v1/devices/validate', { deviceId: 'k-1' });
    const files = ['ledger.sqlite', 'ledger.sqlite-wal'].map((name) => join(cp.dataDir, name)).filter((path) => existsSync(path));
    const bytes = Buffer.concat(files.map((path) => readFileSync(path)));
    await cp.close({ removeData: true });

    expect(bytes.length).toBeGreaterThan(0);
    for (const secret of [orgKey, runtimeKey, ADMIN_TOKEN]) {
      expect(bytes.includes(secret)).toBe(false);
      expect(bytes.includes(secret.slice(4))).toBe(false);
    }
    expect(bytes.includes(hashKey(orgKey))).toBe(true);
    expect(bytes.includes(hashKey(runtimeKey))).toBe(true);
  });
});
