/** Public API of the audit lib: ledger scan and chain check, replay, invariants, time travel, cooperative reads. */
export { AuditQuery, AuditQueryGate, type AuditQueryLimits } from './audit-query-gate';
export {
  AUDIT_PAGE_ROWS,
  AUDIT_SLICE_MS,
  type CooperativeOptions,
  LoopPacer,
  readAllPages,
  readStreamCooperatively,
  readStreamPages,
  yieldToEventLoop,
} from './cooperative-scan';
export { type UnexpectedAck } from './ack-check';
export { type ChainBreak, ChainChecker } from './chain-checker';
export { checkLedgerChains, scanLedger, type ScanOptions, type ScanProgress } from './ledger-scan';
export { type DecisionTuple, type MalformedRecord } from './decision-index';
export {
  ORG_REVISION_MISSING,
  redecide,
  replayLedger,
  type ReplayMismatch,
  type ReplayOptions,
  type ReplayReport,
  type ReplayVerdict,
} from './replay';
export { type BreachKind, checkInvariants, type InvariantBreach, type InvariantOptions, type InvariantReport } from './invariants';
export { deviceHistory, type DeviceHistoryEntry, type DeviceHistoryOptions, type DeviceStateAt, type LedgerMoment, orgStateAt, type OrgStateAt } from './time-travel';
export * from './audit-index';
export { backupLedger, type BackupOptions, type BackupProgress, type BackupReport } from './backup/ledger-backup';
