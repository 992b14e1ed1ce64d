import { DECISIONS_STREAM_PREFIX, type EventLedger } from '@warden/ledger';
import { AUDIT_PAGE_ROWS, yieldToEventLoop } from '../cooperative-scan';
import type { AuditIndexStore, IndexEntry } from './audit-index.store';
import { checkpointHolds, checkpointOf, indexEntryOf } from './index-entry';

export interface IndexCatchUpOptions {
  /** Records per ledger page and per index transaction (default 256 when pacing, else 5000). */
  readonly pageSize?: number;
  /** Share the event loop (the control plane): yield between pages, through the audit turn queue. */
  readonly pace?: boolean;
  /** Stops between two pages when it aborts. */
  readonly signal?: AbortSignal;
  /** Called after every page: records taken in so far and the checkpoint. */
  readonly onProgress?: (records: number, position: bigint) => void;
  /** Keeps going while this returns true (a follower being stopped ends the pass). */
  readonly active?: () => boolean;
}

/**
 * Takes in every decision record after the index checkpoint, one ledger page per index
 * transaction, up to the head. Returns the records read. Paced, a page of 256 records costs
 * about what an audit page does (read, parse, insert) and the loop waits its turn between pages.
 */
export async function catchUpIndex(ledger: EventLedger, store: AuditIndexStore, options: IndexCatchUpOptions = {}): Promise<number> {
  const limit = options.pageSize ?? (options.pace ? 4 * AUDIT_PAGE_ROWS : 5000);
  let after = store.checkpoint()?.position;
  let records = 0;
  while (options.active?.() ?? true) {
    options.signal?.throwIfAborted();
    const page = await ledger.readAll({ after, streamPrefixes: [DECISIONS_STREAM_PREFIX], limit });
    if (page.length === 0) break;
    const entries: IndexEntry[] = [];
    for (const event of page) {
      const entry = indexEntryOf(event);
      if (entry) entries.push(entry);
    }
    const last = page[page.length - 1];
    store.add(entries, checkpointOf(last));
    records += page.length;
    after = last.position;
    options.onProgress?.(records, after);
    if (page.length < limit) break;
    if (options.pace) await yieldToEventLoop(options.signal);
  }
  return records;
}

/**
 * Forgets the index when its checkpoint is not in the ledger (a ledger restored from an older
 * copy, or another ledger's index): true when it was kept.
 */
export async function keepIfOfLedger(ledger: EventLedger, store: AuditIndexStore): Promise<boolean> {
  const checkpoint = store.checkpoint();
  if (checkpoint === undefined || (await checkpointHolds(ledger, checkpoint))) return true;
  store.clear();
  return false;
}

/** Builds an index from nothing: clears it, then takes in the whole ledger. Returns the records read. */
export async function rebuildIndex(ledger: EventLedger, store: AuditIndexStore, options: IndexCatchUpOptions = {}): Promise<number> {
  store.clear();
  return catchUpIndex(ledger, store, options);
}
