import { join } from 'node:path';
import { EventStoreDbEventLedger, InMemoryEventLedger, SqliteEventLedger, type EventLedger } from '@warden/ledger';
import { ConfigError, type WardenConfig } from '../config/warden-config';

/** Opens the ledger adapter the configuration names. */
export async function openLedger(config: WardenConfig): Promise<EventLedger> {
  switch (config.ledger) {
    case 'sqlite':
      return SqliteEventLedger.open({ path: join(config.dataDir, 'ledger.sqlite'), pollIntervalMs: config.sqlitePollMs });
    case 'memory':
      return new InMemoryEventLedger();
    case 'eventstoredb':
      if (!config.eventStoreUrl) throw new ConfigError(['EVENTSTORE_URL: required when WARDEN_LEDGER=eventstoredb']);
      return EventStoreDbEventLedger.connect(config.eventStoreUrl);
  }
}
