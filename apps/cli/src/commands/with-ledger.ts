import { openLedger, type EventLedger } from '@warden/ledger';
import { loadCliConfig } from '../cli-config';

/** Opens the configured ledger for one command and always closes it. */
export async function withLedger<T>(work: (ledger: EventLedger) => Promise<T>): Promise<T> {
  const config = loadCliConfig();
  const ledger = await openLedger({ kind: config.ledger, dataDir: config.dataDir, eventStoreUrl: config.eventStoreUrl });
  try {
    return await work(ledger);
  } finally {
    await ledger.close();
  }
}

/** Prints a value as JSON (the `--json` form of every command), bigints as strings. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}
