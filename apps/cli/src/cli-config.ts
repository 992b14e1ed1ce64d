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
});

export interface CliConfig {
  readonly ledger: 'sqlite' | 'eventstoredb' | 'memory';
  readonly dataDir: string;
  readonly eventStoreUrl: string | undefined;
}

export function loadCliConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CliUsageError(`${issue.path.join('.')}: ${issue.message}`);
  }
  return { ledger: parsed.data.WARDEN_LEDGER, dataDir: parsed.data.WARDEN_DATA_DIR, eventStoreUrl: parsed.data.EVENTSTORE_URL };
}

/** Bad arguments or configuration: exit code 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}
