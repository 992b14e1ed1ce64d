export * from './event-ledger.port';
export * from './stream-names';
export {
  GENESIS_HASH,
  type ChainableEvent,
  type LinkedMetadata,
  type SealedEvent,
  computeEventHash,
  linkEvent,
  sealEvent,
  verifyChain,
} from './hash-chain';
export { AppendNotifier } from './append-notifier';
export { type CatchUpOptions, CatchUpSubscription, type PageReader } from './catch-up-subscription';
export { DEFAULT_READ_ALL_LIMIT } from './read-all-options';
export { NO_STREAM_REVISION } from './append-rules';
export { InMemoryEventLedger, type InMemoryEventLedgerOptions, InMemoryLedgerStore } from './memory/in-memory-event-ledger';
export { SqliteEventLedger } from './sqlite/sqlite-event-ledger';
export type { SqliteEventLedgerOptions } from './sqlite/sqlite-event-ledger.options';
export { EventStoreDbEventLedger, type EventStoreDbEventLedgerOptions } from './eventstoredb/eventstoredb-event-ledger';
export { openLedger, sqliteLedgerPath, type LedgerSelection } from './open-ledger';
export { copySqliteDatabase, type SqliteBackupOptions, type SqliteBackupProgress } from './sqlite-backup/sqlite-online-backup';
