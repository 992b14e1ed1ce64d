/** Options of `SqliteEventLedger.open`. */
export interface SqliteEventLedgerOptions {
  /** Database file; created with its schema when missing. */
  path: string;
  /** Position of the first event of a fresh file (default 1n, must be ≥ 1n); ignored afterwards. */
  firstPosition?: bigint;
  /** How long a write waits for another connection's lock before failing unavailable (default 50 ms). */
  busyTimeoutMs?: number;
  /** Subscriptions re-read this often while idle, to see other processes' writes (default: off). */
  pollIntervalMs?: number;
  /**
   * When set (> 0), WAL checkpoints run in a worker thread this often instead of inside the
   * commit that crosses SQLite's threshold (SqliteWalCheckpointer). Default: SQLite's own.
   */
  checkpointIntervalMs?: number;
  /**
   * Bound on the WAL (default 16 MiB). With `checkpointIntervalMs`, when the WAL would pass it
   * before the next background checkpoint, the writing connection checkpoints the rest between
   * two commits, so that its next commit rewinds the WAL (SqliteWalCheckpointer); and
   * `journal_size_limit` cuts the file back to this size whenever the WAL is rewound.
   */
  walLimitBytes?: number;
  /**
   * Format of a file created by this open (default 2, compact records); an existing file
   * keeps its own. 1 writes the previous format, for compatibility tests.
   */
  newFileSchemaVersion?: 1 | 2;
  /** Page size of subscriptions (default 500). */
  subscriptionPageSize?: number;
}
