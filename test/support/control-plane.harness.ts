import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EventLedger } from '@warden/ledger';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../../apps/control-plane/src/bootstrap';
import { resolveNodeIdentity } from '../../apps/control-plane/src/config/node-identity';
import { loadConfig } from '../../apps/control-plane/src/config/warden-config';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface RunningControlPlane {
  readonly url: string;
  readonly dataDir: string;
  readonly app: NestFastifyApplication;
  readonly ledger: EventLedger;
  /** Stops the app; the data dir stays (for restart tests) unless `removeData`. */
  close(options?: { removeData?: boolean }): Promise<void>;
}

/** Boots the real control plane in this process on 127.0.0.1 and a random port, on SQLite by default. */
export async function startControlPlane(options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<RunningControlPlane> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'warden-e2e-'));
  const config = loadConfig({
    WARDEN_DATA_DIR: dataDir,
    WARDEN_HTTP_HOST: '127.0.0.1',
    WARDEN_HTTP_PORT: '0',
    WARDEN_ADMIN_TOKEN: ADMIN_TOKEN,
    WARDEN_LOG_LEVEL: 'silent',
    ...options.env,
  });
  const logger = pino({ level: 'silent' });
  const app = await createApp({ config, identity: resolveNodeIdentity(config), logger });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    dataDir,
    app,
    ledger: app.get(EventLedger),
    async close({ removeData = false } = {}) {
      await app.close();
      if (removeData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
