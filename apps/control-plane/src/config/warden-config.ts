import { z } from 'zod';

/**
 * The control plane's configuration: read once at boot from environment variables, parsed
 * by zod, and then injected (never read from process.env anywhere else).
 */
const port = z.coerce.number().int().min(0).max(65535);
const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

export const configSchema = z.object({
  WARDEN_HTTP_HOST: z.string().trim().min(1).default('127.0.0.1'),
  WARDEN_HTTP_PORT: port.default(8080),
  WARDEN_DATA_DIR: z.string().trim().min(1).default('./data'),
  WARDEN_LEDGER: z.enum(['sqlite', 'eventstoredb', 'memory']).default('sqlite'),
  EVENTSTORE_URL: optionalString,
  NATS_URL: optionalString,
  WARDEN_ADMIN_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  WARDEN_NODE_ID: optionalString.pipe(
    z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -').optional(),
  ),
  WARDEN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WARDEN_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(65_536),
  WARDEN_DECISION_BATCH_MAX: z.coerce.number().int().min(1).max(100_000).default(1024),
  WARDEN_DECISION_LINGER_MS: z.coerce.number().min(0).max(1000).default(0),
  WARDEN_SQLITE_POLL_MS: z.coerce.number().int().min(1).max(10_000).default(10),
  WARDEN_SQLITE_CHECKPOINT_MS: z.coerce.number().int().min(0).max(60_000).default(500),
  /** Bound on the SQLite WAL in MiB (SqliteEventLedgerOptions.walLimitBytes). */
  WARDEN_SQLITE_WAL_LIMIT_MB: z.coerce.number().int().min(1).max(1024).default(16),
  WARDEN_CONSISTENCY_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
  /** Consistency-token waits open at once on this node; beyond it 503 `not_caught_up` at once (0: never wait). */
  WARDEN_CONSISTENCY_MAX_WAITS: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
  /** SSE watches one key may hold open at once on this node; beyond it 429 `too_many_watches`. */
  WARDEN_WATCH_MAX_PER_KEY: z.coerce.number().int().min(1).max(1_000_000).default(100),
  /** SSE watches open at once on this node, lowered further to leave file descriptors for validate. */
  WARDEN_WATCH_MAX: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  WARDEN_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** Registrations one key may make per window on this node (0: no limit). */
  WARDEN_REGISTER_RATE_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(1200),
  WARDEN_REGISTER_RATE_WINDOW_MS: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
  /** How often the projection snapshot is rewritten (it is also written at shutdown); 0: no snapshot at all. */
  WARDEN_SNAPSHOT_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(600_000),
  /** How often lapsed leases are looked for (orgs with leases on only). */
  WARDEN_LEASE_CHECK_MS: z.coerce.number().int().min(10).max(10_000).default(250),
  WARDEN_ACK_DEADLINE_MS: z.coerce.number().int().min(1).max(3_600_000).default(5000),
  WARDEN_LIVE_WINDOW_MS: z.coerce.number().int().min(1).max(86_400_000).default(60_000),
  /** Kill-command answers held for acks (`awaitAcks`) at once on this node, and per org; beyond them the answer is not held. */
  WARDEN_ACK_MAX_WAITS: z.coerce.number().int().min(0).max(100_000).default(1000),
  WARDEN_ACK_MAX_WAITS_PER_ORG: z.coerce.number().int().min(0).max(100_000).default(20),
  /** The built operator console (`npm run build`), served at /console. */
  WARDEN_CONSOLE_DIR: z.string().trim().min(1).default('dist/console'),
  /** Audit queries (history, audit/*, devices/list) one org may run at once on this node. */
  WARDEN_AUDIT_MAX_QUERIES_PER_ORG: z.coerce.number().int().min(1).max(1000).default(2),
  /** Audit queries all orgs together may run at once on this node. */
  WARDEN_AUDIT_MAX_QUERIES: z.coerce.number().int().min(1).max(10_000).default(8),
  /** Budget of one audit query; past it the query stops and answers 503 query_timeout. */
  WARDEN_AUDIT_QUERY_TIMEOUT_MS: z.coerce.number().int().min(1).max(3_600_000).default(10_000),
  /** The audit index file (decisions by org, device and position); `off`: none, audit reads scan. Default: `decision-index-<nodeId>.sqlite` in the data dir. */
  WARDEN_DECISION_INDEX_PATH: optionalString,
  /** Test-only fault injection: `crash-before-publish` kills the process before the relay publishes a revoke. */
});

export type WardenEnv = z.infer<typeof configSchema>;

export interface WardenConfig {
  readonly http: { readonly host: string; readonly port: number; readonly bodyLimitBytes: number };
  readonly dataDir: string;
  readonly ledger: 'sqlite' | 'eventstoredb' | 'memory';
  readonly eventStoreUrl: string | undefined;
  readonly natsUrl: string | undefined;
  readonly adminToken: string | undefined;
  readonly nodeId: string | undefined;
  readonly logLevel: WardenEnv['WARDEN_LOG_LEVEL'];
  readonly decisions: { readonly maxBatch: number; readonly lingerMs: number };
  readonly heartbeatIntervalMs: number;
  /** How often an idle SQLite subscription looks for writes of other processes (replicas on one file). */
  readonly sqlitePollMs: number;
  /** How often a background worker checkpoints the SQLite WAL (0: SQLite checkpoints inside commits, on the event loop). */
  readonly sqliteCheckpointMs: number;
  /** Bound on the SQLite WAL (MiB): the WAL is rewound before it passes it, and journal_size_limit cuts the file back to it. */
  readonly sqliteWalLimitMb: number;
  /** Longest a validate carrying a consistency token waits for this replica to reach it. */
  readonly consistencyWaitMs: number;
  /** Most consistency-token waits open at once on this node (0: a token ahead is refused at once). */
  readonly consistencyMaxWaits: number;
  /**
   * SSE watch bounds of this node: `maxPerKey` open watches per key, `max` in all (as
   * configured; the node lowers it to what its open-file limit allows, see watch-ceiling.ts).
   */
  readonly watches: { readonly maxPerKey: number; readonly max: number };
  /**
   * Per-key limit on `POST devices/register` (counted per node, per key hash): at most `max`
   * registrations per `windowMs`; `max` 0 turns it off.
   */
  readonly registerRateLimit: { readonly max: number; readonly windowMs: number };
  /**
   * Projection snapshot (`projection-<nodeId>.snapshot` in the data dir): loaded at start when
   * intact and of this ledger, rewritten every `intervalMs` when the projection moved, and at
   * shutdown. 0 turns snapshots off (every start replays the ledger).
   */
  readonly snapshotIntervalMs: number;
  /** How often the lease expirer looks for devices whose lease lapsed (a lapsed device is expired within this, plus the write). */
  readonly leaseCheckMs: number;
  /** A propagation target with no ack this long after the commit is lagging. */
  readonly ackDeadlineMs: number;
  /** A device validated or heartbeated this recently counts as live for propagation. */
  readonly liveWindowMs: number;
  /** Answers held for acks (`awaitAcks`) at once on this node, and per org. */
  readonly ackWaits: { readonly maxWaits: number; readonly maxWaitsPerOrg: number };
  /** Directory of the built console (index.html and assets/), served at /console; resolved against the working directory. */
  readonly consoleDir: string;
  /**
   * Audit reads (device history, audit decisions/state/export, devices/list): at most `perOrg`
   * running at once per org and `perNode` in all (beyond: 429 too_many_queries), each stopped
   * after `timeoutMs` (503 query_timeout).
   */
  readonly auditQueries: { readonly perOrg: number; readonly perNode: number; readonly timeoutMs: number };
  /**
   * The audit index: a file path, `off`, or undefined for the default
   * (`decision-index-<nodeId>.sqlite` in the data dir; in memory with the memory ledger).
   */
  readonly decisionIndexPath: string | undefined;
}

/** A configuration error: its message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): WardenConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message} (got ${JSON.stringify(env[String(issue.path[0])])})`),
    );
  }
  const e = parsed.data;
  if (e.WARDEN_LEDGER === 'eventstoredb' && !e.EVENTSTORE_URL) {
    throw new ConfigError(['EVENTSTORE_URL: required when WARDEN_LEDGER=eventstoredb']);
  }
  return {
    http: { host: e.WARDEN_HTTP_HOST, port: e.WARDEN_HTTP_PORT, bodyLimitBytes: e.WARDEN_BODY_LIMIT_BYTES },
    dataDir: e.WARDEN_DATA_DIR,
    ledger: e.WARDEN_LEDGER,
    eventStoreUrl: e.EVENTSTORE_URL,
    natsUrl: e.NATS_URL,
    adminToken: e.WARDEN_ADMIN_TOKEN,
    nodeId: e.WARDEN_NODE_ID,
    logLevel: e.WARDEN_LOG_LEVEL,
    decisions: { maxBatch: e.WARDEN_DECISION_BATCH_MAX, lingerMs: e.WARDEN_DECISION_LINGER_MS },
    heartbeatIntervalMs: e.WARDEN_HEARTBEAT_INTERVAL_MS,
    sqlitePollMs: e.WARDEN_SQLITE_POLL_MS,
    sqliteCheckpointMs: e.WARDEN_SQLITE_CHECKPOINT_MS,
    sqliteWalLimitMb: e.WARDEN_SQLITE_WAL_LIMIT_MB,
    consistencyWaitMs: e.WARDEN_CONSISTENCY_WAIT_MS,
    consistencyMaxWaits: e.WARDEN_CONSISTENCY_MAX_WAITS,
    watches: { maxPerKey: e.WARDEN_WATCH_MAX_PER_KEY, max: e.WARDEN_WATCH_MAX },
    registerRateLimit: { max: e.WARDEN_REGISTER_RATE_LIMIT, windowMs: e.WARDEN_REGISTER_RATE_WINDOW_MS },
    snapshotIntervalMs: e.WARDEN_SNAPSHOT_INTERVAL_MS,
    leaseCheckMs: e.WARDEN_LEASE_CHECK_MS,
    ackDeadlineMs: e.WARDEN_ACK_DEADLINE_MS,
    liveWindowMs: e.WARDEN_LIVE_WINDOW_MS,
    ackWaits: { maxWaits: e.WARDEN_ACK_MAX_WAITS, maxWaitsPerOrg: e.WARDEN_ACK_MAX_WAITS_PER_ORG },
    consoleDir: e.WARDEN_CONSOLE_DIR,
    auditQueries: { perOrg: e.WARDEN_AUDIT_MAX_QUERIES_PER_ORG, perNode: e.WARDEN_AUDIT_MAX_QUERIES, timeoutMs: e.WARDEN_AUDIT_QUERY_TIMEOUT_MS },
    decisionIndexPath: e.WARDEN_DECISION_INDEX_PATH,
  };
}
