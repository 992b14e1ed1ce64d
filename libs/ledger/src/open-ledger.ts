import { join } from 'node:path';
import { WardenError } from '@warden/domain';
import type { EventLedger } from './event-ledger.port';
import { EventStoreDbEventLedger } from './eventstoredb/eventstoredb-event-ledger';
import { InMemoryEventLedger } from './memory/in-memory-event-ledger';
import { SqliteEventLedger } from './sqlite/sqlite-event-ledger';

/** Which ledger to open: what WARDEN_LEDGER, WARDEN_DATA_DIR and EVENTSTORE_URL say. */
export interface LedgerSelection {
  readonly kind: 'sqlite' | 'eventstoredb' | 'memory';
  readonly dataDir: string;
  readonly eventStoreUrl?: string;
  /** SQLite only: how often idle subscriptions look for other processes' writes. */
  readonly sqlitePollMs?: number;
  /** SQLite only: WAL checkpoints in a background worker this often (the control plane); unset: SQLite's own. */
  readonly sqliteCheckpointMs?: number;
  /** SQLite only: bound on the WAL, in bytes (SqliteEventLedgerOptions.walLimitBytes); unset: 16 MiB. */
  readonly sqliteWalLimitBytes?: number;
}

/** The SQLite ledger file of a data dir. */
export function sqliteLedgerPath(dataDir: string): string {
  return join(dataDir, 'ledger.sqlite');
}

/** Opens the configured adapter (the control plane and the CLI open the same ledger the same way). */
export async function openLedger(selection: LedgerSelection): Promise<EventLedger> {
  switch (selection.kind) {
    case 'sqlite':
      return SqliteEventLedger.open({
        path: sqliteLedgerPath(selection.dataDir),
        pollIntervalMs: selection.sqlitePollMs,
        checkpointIntervalMs: selection.sqliteCheckpointMs,
        walLimitBytes: selection.sqliteWalLimitBytes,
      });
    case 'memory':
      return new InMemoryEventLedger();
    case 'eventstoredb':
      if (!selection.eventStoreUrl) throw new WardenError('invalid', 'missing_eventstore_url', 'EVENTSTORE_URL is required with WARDEN_LEDGER=eventstoredb');
      return EventStoreDbEventLedger.connect(selection.eventStoreUrl);
  }
}
