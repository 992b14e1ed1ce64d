export {
  type ExportSelection,
  type TimeRange,
  belongsToOrg,
  exportRecords,
  isInRange,
  isTimeInRange,
  parseTimeRange,
  recordTime,
} from './export-records';
export { EXPORT_CHAIN_GENESIS, ExportEncoder, type ExportRecord, exportChainLink, ledgerMetadataOf } from './export-record';
export { type ExportFormat, type ExportManifest, exportManifestSchema, serializeManifest } from './export-manifest';
export { CSV_COLUMNS, CSV_HEADER, csvField, toCsvRow } from './export-csv';
export {
  type ExportOrgOptions,
  type ExportProgress,
  PROGRESS_EVERY,
  exportOrg,
  exportOrgLines,
  exportOrgStream,
  exportPaths,
} from './org-exporter';
export { type ExportProblem } from './export-checks';
export {
  MAX_REPORTED_PROBLEMS,
  type SignatureCheck,
  type VerifyExportOptions,
  type VerifyReport,
  verifyExport,
} from './export-verifier';
