import { openLedger as openSelectedLedger, type EventLedger } from '@warden/ledger';
import type { WardenConfig } from '../config/warden-config';

/** Opens the ledger adapter the configuration names. */
export function openLedger(config: WardenConfig): Promise<EventLedger> {
  return openSelectedLedger({
    kind: config.ledger,
    dataDir: config.dataDir,
    eventStoreUrl: config.eventStoreUrl,
    sqlitePollMs: config.sqlitePollMs,
    sqliteCheckpointMs: config.sqliteCheckpointMs || undefined,
    sqliteWalLimitBytes: config.sqliteWalLimitMb * 1024 * 1024,
  });
}
