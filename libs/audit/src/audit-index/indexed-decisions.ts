import { LedgerIntegrityError, WardenError } from '@warden/domain';
import { DECISIONS_STREAM_PREFIX, type EventLedger, type RecordedEvent } from '@warden/ledger';
import { AUDIT_PAGE_ROWS, readAllPages, yieldToEventLoop } from '../cooperative-scan';
import type { AuditIndexStore, IndexEntry } from './audit-index.store';
import { checkpointHolds, entryMatches, indexEntryOf } from './index-entry';

/** Which decision records to find: one org's, optionally one device's, after a ledger position. */
export interface DecisionSelection {
  readonly orgId: string;
  readonly deviceId?: string;
  /** Exclusive start position (a cursor); omit for the whole ledger. */
  readonly after?: bigint;
  /**
   * Skips entries the caller would drop anyway, before their record is read (a time range).
   * Must keep every entry whose record the caller keeps; records reach the caller unfiltered by it.
   */
  readonly keep?: (entry: IndexEntry) => boolean;
}

/** One step of a search: the records found, and how far it has looked. */
export interface DecisionPage {
  /** The selected records (org, and device if given) in position order. */
  readonly records: RecordedEvent[];
  /** Every selected record up to this position is in this page or an earlier one. */
  readonly through: bigint | undefined;
  /** Ledger records read by a scan for this page (0 for an indexed page). */
  readonly scanned: number;
  /** Index entries looked at for this page. */
  readonly listed: number;
}

export interface DecisionSearchOptions {
  /** The audit index, when the node or CLI has one; without it (or when it fails) the decision streams are scanned. */
  readonly index?: AuditIndexStore;
  /** The audit query served: yields to the event loop between pages and stops when it aborts (cooperative-scan.ts). */
  readonly signal?: AbortSignal;
  /** Records read straight from the streams (each chain-checked against the one before it) rather than from a scan of the global log. */
  readonly verified?: boolean;
  /** Told when the index could not be used (unreadable, or pointing at records that are not there): the search went on by scanning. */
  readonly onIndexFailure?: (error: unknown) => void;
}

/** Index entries listed per step (a covering-index range read: well under a millisecond). */
const ENTRIES_PER_STEP = 1024;
/** Records read from the ledger per step at most: a step costs about what an audit page does. */
const RECORDS_PER_STEP = AUDIT_PAGE_ROWS;

/**
 * An org's (or one device's) decision records in position order, as pages. With a usable
 * index: the entries up to its checkpoint, each record read from its stream by revision and
 * checked to be the one the entry names; then the decision streams after the checkpoint
 * (the short tail the index has not taken in yet). Without one: a scan of the decision
 * streams from `after`. If the index fails on the way, the search goes on by scanning from
 * the last position it had covered, so the answer is the same either way.
 */
export async function* decisionPages(ledger: EventLedger, selection: DecisionSelection, options: DecisionSearchOptions = {}): AsyncGenerator<DecisionPage> {
  let after = selection.after;
  if (options.index) {
    try {
      for await (const page of indexedPages(ledger, options.index, { ...selection, after }, options)) {
        after = page.through;
        yield page;
      }
    } catch (error) {
      if (!(error instanceof IndexFailure)) throw error;
      options.onIndexFailure?.(error.cause);
    }
  }
  yield* scannedPages(ledger, { ...selection, after }, options);
}

/** The index could not answer: unreadable, or behind a ledger restored from an older copy, or naming records that are not there. */
class IndexFailure extends Error {
  constructor(override readonly cause: unknown) {
    super('audit index unusable');
  }
}

async function* indexedPages(ledger: EventLedger, index: AuditIndexStore, selection: DecisionSelection, options: DecisionSearchOptions): AsyncGenerator<DecisionPage> {
  const checkpoint = guard(() => index.checkpoint());
  if (checkpoint === undefined) return;
  if (!(await checkpointHolds(ledger, checkpoint))) throw new IndexFailure(new WardenError('conflict', 'index_not_of_this_ledger', 'the audit index checkpoint is not in the ledger'));
  let after = selection.after ?? 0n;
  while (after < checkpoint.position) {
    const entries = guard(() => index.list({ orgId: selection.orgId, deviceId: selection.deviceId, after, upTo: checkpoint.position, limit: ENTRIES_PER_STEP }));
    const records: RecordedEvent[] = [];
    let listed = 0;
    // The whole list was looked at unless the step ends early on its record budget.
    let through = entries.length < ENTRIES_PER_STEP ? checkpoint.position : entries[entries.length - 1].position;
    for (const entry of entries) {
      listed++;
      if (selection.keep && !selection.keep(entry)) continue;
      const event = await fetchRecord(ledger, entry, options.verified ?? false);
      if (!entryMatches(entry, event)) throw new IndexFailure(new WardenError('conflict', 'index_entry_mismatch', `the audit index names ${entry.streamId}@${entry.revision} at ${entry.position}, which the ledger does not hold`));
      records.push(event);
      if (records.length >= RECORDS_PER_STEP && listed < entries.length) {
        through = entry.position;
        break;
      }
    }
    after = through;
    yield { records, through, scanned: 0, listed };
    if (options.signal && after < checkpoint.position) await yieldToEventLoop(options.signal);
  }
}

async function* scannedPages(ledger: EventLedger, selection: DecisionSelection, options: DecisionSearchOptions): AsyncGenerator<DecisionPage> {
  for await (const page of readAllPages(ledger, { after: selection.after, streamPrefixes: [DECISIONS_STREAM_PREFIX] }, { signal: options.signal })) {
    const records: RecordedEvent[] = [];
    for (const event of page) {
      const entry = indexEntryOf(event);
      if (entry === undefined || entry.orgId !== selection.orgId || (selection.deviceId !== undefined && entry.deviceId !== selection.deviceId)) continue;
      if (!options.verified) records.push(event);
      else {
        // Read again from its stream: the ledger checks its hash and its link to the record before it.
        const [checked] = await ledger.readStream(event.streamId, { fromRevision: event.revision, limit: 1 });
        if (checked !== undefined) records.push(checked);
      }
    }
    yield { records, through: page[page.length - 1].position, scanned: page.length, listed: 0 };
  }
}

/**
 * The record an entry names, read from its stream (hash and link checked by the ledger). A
 * record that fails that check throws when `verified`; otherwise it is read as a scan of the
 * global log would see it, unchecked, so an unverified answer is the same with or without
 * the index.
 */
async function fetchRecord(ledger: EventLedger, entry: IndexEntry, verified: boolean): Promise<RecordedEvent | undefined> {
  try {
    const [event] = await ledger.readStream(entry.streamId, { fromRevision: entry.revision, limit: 1 });
    return event;
  } catch (error) {
    if (verified || !(error instanceof LedgerIntegrityError)) throw error;
    const [event] = await ledger.readAll({ after: entry.position - 1n, streamPrefixes: [DECISIONS_STREAM_PREFIX], limit: 1 });
    return event;
  }
}

function guard<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new IndexFailure(error);
  }
}
