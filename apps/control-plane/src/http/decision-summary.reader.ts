import { AUDIT_PAGE_ROWS, yieldToEventLoop } from '@warden/audit';
import { DECISIONS_STREAM_PREFIX, type EventLedger } from '@warden/ledger';

const MINUTE_MS = 60_000;
/** Minutes kept in memory; the widest summary a request may ask for. */
export const SUMMARY_MAX_MINUTES = 60;
/** Records per ledger read, and most records one request reads: a node far behind the head catches up over several requests. */
export interface DecisionSummaryLimits {
  readonly scanPage: number;
  readonly scanBudget: number;
}
const LIMITS: DecisionSummaryLimits = { scanPage: AUDIT_PAGE_ROWS, scanBudget: 100_000 };

export interface DecisionSummary {
  readonly minutes: number;
  readonly from: string;
  readonly to: string;
  readonly buckets: { readonly at: string; readonly counts: Record<string, number> }[];
  readonly complete: boolean;
}

/**
 * Recorded decisions per org, minute and code, over the last hour, for the console's chart.
 *
 * This node follows the decision streams incrementally: each request reads on from the
 * position the previous one reached, in the audit reads' pages (AUDIT_PAGE_ROWS, waiting its
 * turn in the audit turn queue between two pages, like every other audit read; at most
 * 100,000 records per request), and the route is an audit read (AuditQueryGate: caps and
 * time budget; a request whose budget runs out stops waiting, the shared read goes on to its
 * own budget),
 * folds the records into per-minute counters and drops minutes older than an hour. The first
 * request after a start reads the decision streams from the beginning and may answer
 * `complete: false` until the node has caught up with the head. Concurrent requests share one
 * read. Minutes are those of each record's `decidedAt`.
 */
export class DecisionSummaryReader {
  /** Position of the last record folded in. */
  private after: bigint | undefined;
  /** minute start (epoch ms) → orgId → code → count. */
  private readonly counts = new Map<number, Map<string, Map<string, number>>>();
  private reading: Promise<boolean> | undefined;

  constructor(
    private readonly ledger: EventLedger,
    private readonly now: () => number = Date.now,
    private readonly limits: DecisionSummaryLimits = LIMITS,
  ) {}

  /** The org's counts for the last `minutes` minutes, the current (partial) minute last. */
  async summary(orgId: string, minutes: number, signal?: AbortSignal): Promise<DecisionSummary> {
    const complete = await untilAborted(this.catchUp(), signal);
    const last = minuteOf(this.now());
    const first = last - (minutes - 1) * MINUTE_MS;
    const buckets: DecisionSummary['buckets'] = [];
    for (let at = first; at <= last; at += MINUTE_MS) {
      const codes = this.counts.get(at)?.get(orgId);
      buckets.push({ at: new Date(at).toISOString(), counts: codes ? Object.fromEntries(codes) : {} });
    }
    return { minutes, from: new Date(first).toISOString(), to: new Date(last + MINUTE_MS).toISOString(), buckets, complete };
  }

  /** Reads on to the head (or the budget); true when the head was reached. */
  private catchUp(): Promise<boolean> {
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(): Promise<boolean> {
    const horizon = minuteOf(this.now()) - SUMMARY_MAX_MINUTES * MINUTE_MS;
    this.prune(horizon);
    let scanned = 0;
    for (;;) {
      const page = await this.ledger.readAll({ after: this.after, streamPrefixes: [DECISIONS_STREAM_PREFIX], limit: this.limits.scanPage });
      for (const event of page) {
        this.after = event.position;
        this.count(event.data, horizon);
      }
      scanned += page.length;
      if (page.length < this.limits.scanPage) return true;
      if (scanned >= this.limits.scanBudget) return false;
      await yieldToEventLoop();
    }
  }

  /**
   * Counts one record. Only three fields are read, without a full parse (the reader may go
   * through a million records); a record without them is not a decision and is skipped.
   */
  private count(data: unknown, horizon: number): void {
    const { orgId, code, decidedAt } = (data ?? {}) as { orgId?: unknown; code?: unknown; decidedAt?: unknown };
    if (typeof orgId !== 'string' || typeof code !== 'string' || typeof decidedAt !== 'string') return;
    const minute = minuteOf(Date.parse(decidedAt));
    if (!(minute >= horizon)) return;
    let orgs = this.counts.get(minute);
    if (!orgs) this.counts.set(minute, (orgs = new Map()));
    let codes = orgs.get(orgId);
    if (!codes) orgs.set(orgId, (codes = new Map()));
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }

  private prune(horizon: number): void {
    for (const minute of this.counts.keys()) if (minute < horizon) this.counts.delete(minute);
  }
}

/** The read, or the signal's reason once it aborts (the read itself goes on for the other requests sharing it). */
function untilAborted<T>(read: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return read;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    read.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

function minuteOf(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}
