import type { EventLedger, ReadAllOptions, RecordedEvent } from '@warden/ledger';

/**
 * Rows per ledger page of an audit read. Reading a page from SQLite is synchronous, and the
 * page is then checked and filtered in the same turn of the event loop, so a page is the
 * longest stretch an audit read keeps validations waiting. 64 rows of decision records cost
 * about 0.3–1 ms (decisions query) to 1–2.5 ms (history: hash chain checked; export: records
 * encoded) here, where 256 rows cost 4–12 ms on the same loaded machine: bench:audit-turns.
 */
export const AUDIT_PAGE_ROWS = 64;

/** Longest stretch of in-memory audit work (folding, building an answer) between two yields. */
export const AUDIT_SLICE_MS = 2;

/** Options of an audit read. */
export interface CooperativeOptions {
  /**
   * The audit query this read serves (AuditQueryGate). With it, the read shares the event
   * loop with enforcement: it gives the loop back between two pages (and every
   * {@link AUDIT_SLICE_MS} of in-memory work) and stops there once the signal aborts,
   * rejecting with its reason (a deadline, a client that went away), so an abandoned read
   * never keeps running in the background. Without it (the CLI, which has nothing else on its
   * loop) the read runs straight through, as fast as it can.
   */
  readonly signal?: AbortSignal;
  /** Rows per ledger page (default {@link AUDIT_PAGE_ROWS}). */
  readonly pageSize?: number;
}

/** Longest rest between two audit turns. */
const MAX_REST_MS = 10;

/** Audit reads waiting for their next turn, in arrival order. */
const waiting: Array<() => void> = [];
let turnScheduled = false;

/**
 * Lets everything already queued on the event loop (validations, I/O) run, then throws the
 * signal's reason if it was aborted meanwhile.
 *
 * Every caller in the process waits in one queue, and one timer lets one of them go per
 * iteration of the event loop: however many audit reads run at once, an iteration holds at
 * most one page of audit work (with a callback per caller, eight queries would run eight
 * pages back to back in every iteration). Why a timer (`setTimeout`, timers phase) and not
 * `setImmediate` (check phase): requests that arrive are read in the poll phase and their
 * decision records are flushed by a `setImmediate`, which a page queued in the check phase
 * would delay. After each turn the next one waits as long as that turn's iteration took
 * (the page plus the I/O served with it, at most {@link MAX_REST_MS}), so audit reads get
 * about half of a busy event loop and all of an idle one. Never a resolved promise: a
 * microtask runs before any I/O and yields nothing. Measured in test/e2e/audit-isolation
 * (README, decisions): each of these steps lowered validate p99 under back-to-back history.
 */
export async function yieldToEventLoop(signal?: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => {
    waiting.push(resolve);
    if (!turnScheduled) {
      turnScheduled = true;
      setTimeout(nextTurn, 0);
    }
  });
  signal?.throwIfAborted();
}


function nextTurn(): void {
  const started = performance.now();
  // The released caller runs its page in this callback's microtasks (SQLite reads are synchronous).
  waiting.shift()?.();
  // Then, once this iteration's I/O has been served too, rest as long as that took before the
  // next turn: audit reads take at most about half of a busy event loop.
  setImmediate(() => {
    if (waiting.length > 0) setTimeout(nextTurn, Math.min(MAX_REST_MS, performance.now() - started));
    else turnScheduled = false;
  });
}

/**
 * Paces an in-memory loop of an audit query: `due()` turns true once the current slice has
 * run {@link AUDIT_SLICE_MS}; `pause()` then yields to the event loop and starts a new slice.
 * `if (pacer.due()) await pacer.pause();` costs one clock read per item while not due. With
 * no signal (no query: the CLI) it is never due.
 */
export class LoopPacer {
  private sliceStart = performance.now();

  constructor(
    private readonly signal?: AbortSignal,
    private readonly sliceMs = AUDIT_SLICE_MS,
  ) {}

  due(): boolean {
    return this.signal !== undefined && performance.now() - this.sliceStart >= this.sliceMs;
  }

  async pause(): Promise<void> {
    await yieldToEventLoop(this.signal);
    this.sliceStart = performance.now();
  }
}

/**
 * The global log (or the given prefixes) from `after`, as pages of at most `pageSize` rows,
 * yielding to the event loop between two pages when it serves a query (`signal`). Ends at
 * the first empty page.
 */
export async function* readAllPages(
  ledger: EventLedger,
  read: Pick<ReadAllOptions, 'after' | 'streamPrefixes'>,
  options: CooperativeOptions = {},
): AsyncGenerator<RecordedEvent[]> {
  const limit = options.pageSize ?? AUDIT_PAGE_ROWS;
  let after = read.after;
  options.signal?.throwIfAborted();
  for (;;) {
    const page = await ledger.readAll({ after, streamPrefixes: read.streamPrefixes, limit });
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1].position;
    if (options.signal) await yieldToEventLoop(options.signal);
  }
}

/**
 * One stream in revision order, as pages of at most `pageSize` events (each page's hash chain
 * verified by the ledger from the event before it), yielding to the event loop between two
 * pages when it serves a query (`signal`). A missing stream yields nothing.
 */
export async function* readStreamPages(ledger: EventLedger, streamId: string, options: CooperativeOptions = {}): AsyncGenerator<RecordedEvent[]> {
  const limit = options.pageSize ?? AUDIT_PAGE_ROWS;
  let fromRevision = 0n;
  options.signal?.throwIfAborted();
  for (;;) {
    const page = await ledger.readStream(streamId, { fromRevision, limit });
    if (page.length === 0) return;
    yield page;
    if (page.length < limit) return;
    fromRevision = page[page.length - 1].revision + 1n;
    if (options.signal) await yieldToEventLoop(options.signal);
  }
}

/** A whole stream, like `ledger.readStream(streamId)`, read with {@link readStreamPages}. */
export async function readStreamCooperatively(ledger: EventLedger, streamId: string, options: CooperativeOptions = {}): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const page of readStreamPages(ledger, streamId, options)) for (const event of page) events.push(event);
  return events;
}
