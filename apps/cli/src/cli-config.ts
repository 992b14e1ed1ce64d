import { z } from 'zod';

/**
 * The CLI reads the same variables as the control plane to find the ledger, so
 * `warden audit ...` on the control plane's host opens the same SQLite file or EventStoreDB.
 */
const schema = z.object({
  WARDEN_LEDGER: z.enum(['sqlite', 'eventstoredb', 'memory']).default('sqlite'),
  WARDEN_DATA_DIR: z.string().trim().min(1).default('./data'),
  EVENTSTORE_URL: z
    .string()
    .trim()
    .transform((value) => (value === '' ? undefined : value))
    .optional(),
  WARDEN_NODE_ID: z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -').optional(),
  WARDEN_DECISION_INDEX_PATH: z.string().trim().min(1).optional(),
});

export interface CliConfig {
  readonly ledger: 'sqlite' | 'eventstoredb' | 'memory';
  readonly dataDir: string;
  readonly eventStoreUrl: string | undefined;
  /** The node whose audit index the CLI reads (WARDEN_NODE_ID, else the data dir's `node-id` file). */
  readonly nodeId: string | undefined;
  /** WARDEN_DECISION_INDEX_PATH: the audit index file, or `off`. */
  readonly decisionIndexPath: string | undefined;
}

export function loadCliConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CliUsageError(`${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  return { ledger: e.WARDEN_LEDGER, dataDir: e.WARDEN_DATA_DIR, eventStoreUrl: e.EVENTSTORE_URL, nodeId: e.WARDEN_NODE_ID, decisionIndexPath: e.WARDEN_DECISION_INDEX_PATH };
}

/** Bad arguments or configuration: exit code 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}
