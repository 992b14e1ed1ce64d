import { join } from 'node:path';
import type { DecisionSearchOptions } from './indexed-decisions';

/**
 * The audit index file of a node: `decision-index-<nodeId>.sqlite` in the data dir. One per
 * node, like the projection snapshot: replicas sharing a data dir (one SQLite ledger) each
 * keep their own, so no two processes ever write one index file.
 */
export function defaultAuditIndexPath(dataDir: string, nodeId: string): string {
  return join(dataDir, `decision-index-${nodeId}.sqlite`);
}

/** What a decision search needs of an audit index that may be missing or being rebuilt. */
export interface AuditIndexAccess {
  /** The index and where to report it broken, or nothing (the search scans). */
  searchOptions(): Pick<DecisionSearchOptions, 'index' | 'onIndexFailure'>;
}
