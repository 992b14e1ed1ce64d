import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { EventLedger, RecordedEvent } from '@warden/ledger';
import type { RawResponse } from './raw-http';

/** How many generated cases a fuzz property runs: small for CI, `WARDEN_FUZZ_RUNS` for the long form. */
export function fuzzRuns(ciDefault: number): number {
  const configured = Number(process.env.WARDEN_FUZZ_RUNS);
  return Number.isInteger(configured) && configured > 0 ? configured : ciDefault;
}

/** A stack frame (`at fn (file.ts:12:3)`) or a path of this machine: neither may ever reach a client. */
const STACK_FRAME = /\bat (?:\S+ )?\(?(?:\/|file:|node:)[^\s)]*:\d+/;
const INTERNAL_PATHS = [process.cwd(), '/node_modules/', 'node:internal', '/tmp/warden-'];

/** Problems with an answer's body that any status must not have. */
export function leaks(text: string): string | undefined {
  if (STACK_FRAME.test(text)) return 'a stack frame';
  const path = INTERNAL_PATHS.find((internal) => text.includes(internal));
  return path ? `an internal path (${path})` : undefined;
}

/**
 * The stable error contract of the API: `{status:"error", error:<snake_case code>, message}`;
 * a heartbeat refused for a device without a lease carries its decision code (LEASE_EXPIRED).
 */
export function errorShapeProblem(response: RawResponse): string | undefined {
  if (!response.contentType?.startsWith('application/json')) return `content-type ${response.contentType ?? '(none)'}`;
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    return 'a body that is not JSON';
  }
  const error = body as { status?: unknown; error?: unknown; message?: unknown };
  if (error?.status !== 'error') return 'no status:"error"';
  if (typeof error.error !== 'string' || !/^([a-z][a-z0-9_]*|[A-Z][A-Z0-9_]*)$/.test(error.error)) return 'no snake_case error code (nor decision code)';
  if (typeof error.message !== 'string' || error.message.length === 0) return 'no message';
  return undefined;
}

/** The stable error code of an error answer, or undefined. */
export function errorCode(response: RawResponse): string | undefined {
  try {
    const code = (JSON.parse(response.text) as { error?: unknown }).error;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** The events appended to the ledger after `before` (the head position read before the request). */
export async function appendedSince(ledger: EventLedger, before: bigint | undefined): Promise<RecordedEvent[]> {
  const head = await ledger.headPosition();
  if (head === before) return [];
  return ledger.readAll({ after: before ?? 0n });
}

/** A full garbage collection, even without `node --expose-gc` (the flag can be set at run time). */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** heapUsed after two full collections, in MB. */
export function settledHeapMb(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/** Counts generated cases per label (endpoint or subject) and per answer, for the report. */
export class CaseTally {
  private readonly byLabel = new Map<string, Map<string, number>>();

  add(label: string, outcome: string): void {
    const outcomes = this.byLabel.get(label) ?? new Map<string, number>();
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    this.byLabel.set(label, outcomes);
  }

  get total(): number {
    let total = 0;
    for (const outcomes of this.byLabel.values()) for (const count of outcomes.values()) total += count;
    return total;
  }

  report(title: string): string {
    const lines = [...this.byLabel.entries()].map(([label, outcomes]) => {
      const count = [...outcomes.values()].reduce((a, b) => a + b, 0);
      const detail = [...outcomes.entries()].sort((a, b) => b[1] - a[1]).map(([outcome, n]) => `${outcome}×${n}`).join(' ');
      return `  ${label.padEnd(34)} ${String(count).padStart(6)}  ${detail}`;
    });
    return `${title}: ${this.total} cases\n${lines.join('\n')}`;
  }
}
