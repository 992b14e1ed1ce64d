export { AuditIndexStore, type IndexCheckpoint, type IndexEntry, type IndexRange } from './audit-index.store';
export { InMemoryAuditIndexStore } from './in-memory-audit-index.store';
export { SqliteAuditIndexStore, openSqliteAuditIndex } from './sqlite/sqlite-audit-index.store';
export { AuditIndexFollower, type AuditIndexFollowerOptions, type AuditIndexNotice } from './audit-index.follower';
export { catchUpIndex, keepIfOfLedger, rebuildIndex, type IndexCatchUpOptions } from './index-catch-up';
export { checkpointHolds, indexEntryOf } from './index-entry';
export { decisionPages, type DecisionPage, type DecisionSearchOptions, type DecisionSelection } from './indexed-decisions';
export { type AuditIndexAccess, defaultAuditIndexPath } from './audit-index.location';
