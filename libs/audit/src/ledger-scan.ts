import { LedgerIntegrityError } from '@warden/domain';
import type { EventLedger, RecordedEvent } from '@warden/ledger';
import { ChainChecker, type ChainBreak } from './chain-checker';
import { yieldToEventLoop } from './cooperative-scan';

/** Progress of a scan, reported once per page. */
export interface ScanProgress {
  /** Events read so far. */
  readonly events: number;
  /** Position of the last event read. */
  readonly position: bigint;
}

export interface ScanOptions {
  /** Only streams whose id starts with one of these prefixes; omit for the whole ledger. */
  readonly streamPrefixes?: readonly string[];
  /** Events per page (default 1000): memory stays bounded by one page. */
  readonly pageSize?: number;
  /** Called after every page. */
  readonly onProgress?: (progress: ScanProgress) => void;
  /**
   * Called for a stored event the ledger cannot even parse (its JSON is broken). With it the
   * scan skips that event and goes on; without it the LedgerIntegrityError is thrown.
   */
  readonly onUnreadable?: (error: LedgerIntegrityError) => void;
  /**
   * The audit query the scan serves: with it the scan yields to the event loop between two
   * pages (cooperative-scan.ts) and stops there once the signal aborts, rejecting with its
   * reason. Without it (the CLI: replay, invariants) it runs straight through.
   */
  readonly signal?: AbortSignal;
}

const DEFAULT_PAGE_SIZE = 1000;

/**
 * Every event of the ledger (or of the given stream prefixes) in position order, read page by
 * page with `readAll`, so a scan of any size holds one page at a time. Serving a query
 * (`signal`), it yields to the event loop between two pages: SQLite reads are synchronous,
 * and inside the control plane requests are served between pages.
 */
export async function* scanLedger(ledger: EventLedger, options: ScanOptions = {}): AsyncGenerator<RecordedEvent> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  let after: bigint | undefined;
  let events = 0;
  // After an unreadable event, pages of one are read up to it, so the events before it in
  // its page are not lost and the scan can step over exactly that position.
  let carefulUntil: bigint | undefined;
  options.signal?.throwIfAborted();
  for (let first = true; ; first = false) {
    if (!first && options.signal) await yieldToEventLoop(options.signal);
    const limit = carefulUntil !== undefined && (after ?? 0n) < carefulUntil ? 1 : pageSize;
    let page: RecordedEvent[];
    try {
      page = await ledger.readAll({ after, streamPrefixes: options.streamPrefixes, limit });
    } catch (error) {
      if (!(error instanceof LedgerIntegrityError) || error.position === undefined || !options.onUnreadable) throw error;
      if (limit === 1) {
        options.onUnreadable(error);
        after = error.position;
      } else {
        carefulUntil = error.position;
      }
      continue;
    }
    if (page.length === 0) return;
    for (const event of page) yield event;
    events += page.length;
    after = page[page.length - 1].position;
    options.onProgress?.({ events, position: after });
  }
}

/**
 * Scans the ledger (or the given prefixes) and checks every stream's hash chain, returning
 * every break instead of stopping at the first.
 */
export async function checkLedgerChains(
  ledger: EventLedger,
  options: Pick<ScanOptions, 'streamPrefixes' | 'pageSize' | 'onProgress'> = {},
): Promise<{ events: number; chainBreaks: readonly ChainBreak[] }> {
  const checker = new ChainChecker();
  let events = 0;
  for await (const event of scanLedger(ledger, { ...options, onUnreadable: (error) => checker.unreadable(error) })) {
    events++;
    checker.check(event);
  }
  return { events, chainBreaks: checker.breaks };
}

/**
 * Scans like {@link scanLedger}, checking every stream's hash chain on the way, and throws a
 * LedgerIntegrityError naming the first event whose link or hash does not hold: for readers
 * that must never show anything from a tampered ledger (device history, its acks).
 */
export async function* scanChecked(ledger: EventLedger, options: ScanOptions = {}): AsyncGenerator<RecordedEvent> {
  const checker = new ChainChecker();
  for await (const event of scanLedger(ledger, options)) {
    if (!checker.check(event)) {
      const { reason } = checker.breaks[checker.breaks.length - 1];
      throw new LedgerIntegrityError(`${event.streamId}@${event.revision}: ${reason}`, event.streamId, event.revision, event.position);
    }
    yield event;
  }
}
