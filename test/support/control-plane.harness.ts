import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { decisionsStream, EventLedger, type RecordedEvent } from '@warden/ledger';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../../apps/control-plane/src/bootstrap';
import { resolveNodeIdentity } from '../../apps/control-plane/src/config/node-identity';
import { loadConfig } from '../../apps/control-plane/src/config/warden-config';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** For suites that look inside the SQLite ledger file (or need a ledger no other suite writes to). */
export const SQLITE: Readonly<Record<string, string>> = { WARDEN_LEDGER: 'sqlite' };

export interface RunningControlPlane {
  readonly url: string;
  readonly dataDir: string;
  readonly app: NestFastifyApplication;
  readonly ledger: EventLedger;
  /** The decision records this node wrote (its own `decisions-<nodeId>` stream). */
  decisions(): Promise<RecordedEvent[]>;
  /** Stops the app; the data dir stays (for restart tests) unless `removeData`. */
  close(options?: { removeData?: boolean }): Promise<void>;
}

/**
 * The ledger e2e suites run on: SQLite by default; `WARDEN_E2E_LEDGER=eventstoredb` (with
 * EVENTSTORE_URL) runs them on a real EventStoreDB (the compose `test` profile does). Suites
 * that look inside the SQLite file pin `WARDEN_LEDGER: 'sqlite'` themselves.
 */
function e2eLedgerEnv(): Record<string, string> {
  if (process.env.WARDEN_E2E_LEDGER !== 'eventstoredb') return {};
  return { WARDEN_LEDGER: 'eventstoredb', EVENTSTORE_URL: process.env.EVENTSTORE_URL ?? '' };
}

/** Boots the real control plane in this process on 127.0.0.1 and a random port (ledger: see e2eLedgerEnv). */
export async function startControlPlane(
  options: { dataDir?: string; env?: Record<string, string>; logger?: pino.Logger } = {},
): Promise<RunningControlPlane> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'warden-e2e-'));
  const config = loadConfig({
    WARDEN_DATA_DIR: dataDir,
    WARDEN_HTTP_HOST: '127.0.0.1',
    WARDEN_HTTP_PORT: '0',
    WARDEN_ADMIN_TOKEN: ADMIN_TOKEN,
    WARDEN_LOG_LEVEL: 'silent',
    ...e2eLedgerEnv(),
    ...options.env,
  });
  const logger = options.logger ?? pino({ level: 'silent' });
  const identity = resolveNodeIdentity(config);
  const app = await createApp({ config, identity, logger });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    dataDir,
    app,
    ledger: app.get(EventLedger),
    decisions: () => app.get(EventLedger).readStream(decisionsStream(identity.nodeId)),
    async close({ removeData = false } = {}) {
      await app.close();
      if (removeData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
