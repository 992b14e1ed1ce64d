import { WardenError } from '@warden/domain';
import {
  DECISIONS_STREAM_PREFIX,
  DEFAULT_READ_ALL_LIMIT,
  type EventLedger,
  type RecordedEvent,
  orgStream,
} from '@warden/ledger';
import { readAllPages } from '../cooperative-scan';
import type { IndexEntry } from '../audit-index/audit-index.store';
import { type DecisionPage, type DecisionSearchOptions, decisionPages } from '../audit-index/indexed-decisions';

/** Which records of the ledger an export covers. */
export interface ExportSelection {
  orgId: string;
  /** Inclusive lower bound (ISO 8601) on the record's own time (`data.at` / `data.decidedAt`). */
  from?: string;
  /** Inclusive upper bound (ISO 8601), like the CLI and the HTTP decisions query. */
  to?: string;
  /** Events per readAll page (default: the ledger's default page size). */
  pageSize?: number;
  /**
   * The audit query the export serves (HTTP): with it the export yields to the event loop
   * between two pages and stops there once the signal aborts (cooperative-scan.ts).
   */
  signal?: AbortSignal;
  /** The audit index (decisions by org and position), when there is one: the org's decisions are then read from where it says they are. */
  index?: DecisionSearchOptions['index'];
  /** Told when the index could not be used (the export went on by scanning). */
  onIndexFailure?: DecisionSearchOptions['onIndexFailure'];
}

/** A parsed time range; an absent bound is open. */
export interface TimeRange {
  fromMs?: number;
  toMs?: number;
}

/** Parses `from`/`to`; an unparseable bound or `from` after `to` is an `invalid` WardenError. */
export function parseTimeRange(from: string | undefined, to: string | undefined): TimeRange {
  const fromMs = parseBound('from', from);
  const toMs = parseBound('to', to);
  if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) {
    throw new WardenError('invalid', 'invalid_export_range', `export range starts (${from}) after it ends (${to})`);
  }
  return { fromMs, toMs };
}

/**
 * The time a record is about: `data.at` for control events, `data.decidedAt` for decision
 * records. Undefined when the record carries neither (such a record is outside any range).
 */
export function recordTime(event: Pick<RecordedEvent, 'data'>): number | undefined {
  const data = event.data as { at?: unknown; decidedAt?: unknown } | null;
  if (data === null || typeof data !== 'object') return undefined;
  const raw = typeof data.decidedAt === 'string' ? data.decidedAt : data.at;
  if (typeof raw !== 'string') return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : ms;
}

/** True when the record falls in the range; with no bound at all, every record does. */
export function isInRange(event: Pick<RecordedEvent, 'data'>, range: TimeRange): boolean {
  if (range.fromMs === undefined && range.toMs === undefined) return true;
  const ms = recordTime(event);
  return ms !== undefined && isTimeInRange(ms, range);
}

/** True when the event belongs to the org: its control stream, or a decision record naming it. */
export function belongsToOrg(event: Pick<RecordedEvent, 'streamId' | 'data'>, orgId: string): boolean {
  if (event.streamId === orgStream(orgId)) return true;
  if (!event.streamId.startsWith(DECISIONS_STREAM_PREFIX)) return false;
  const data = event.data as { orgId?: unknown } | null;
  return data !== null && typeof data === 'object' && data.orgId === orgId;
}

/**
 * One org's records in ledger (position) order: the control events of `org-<orgId>` and the
 * decision records naming the org, optionally limited to a time range.
 *
 * Reads one page at a time and holds one page at most, so exporting millions of records
 * takes bounded memory; served by the control plane (`signal`), it yields to the event loop
 * between two pages, so it never holds enforcement up for more than a page. The export is a
 * snapshot: it stops at the ledger head seen when reading starts, so events appended
 * meanwhile do not make it longer. With an audit index, the org's control stream and its
 * decisions (decisionPages: the records the index names, then the tail after its
 * checkpoint) are read side by side and merged by position, instead of scanning every
 * decision record of the ledger; the records are the same.
 */
export async function* exportRecords(ledger: EventLedger, selection: ExportSelection): AsyncGenerator<RecordedEvent> {
  const range = parseTimeRange(selection.from, selection.to);
  const limit = selection.pageSize ?? DEFAULT_READ_ALL_LIMIT;
  const head = await ledger.headPosition();
  if (head === undefined) return;
  const cooperative = { pageSize: limit, signal: selection.signal };
  if (selection.index) {
    const control = flatten(readAllPages(ledger, { streamPrefixes: [orgStream(selection.orgId)] }, cooperative));
    const keep = (entry: IndexEntry): boolean => entry.timeMs === null || isTimeInRange(entry.timeMs, range);
    const decisions = flattenRecords(decisionPages(ledger, { orgId: selection.orgId, keep }, { index: selection.index, onIndexFailure: selection.onIndexFailure, signal: selection.signal }));
    for await (const event of mergeByPosition(control, decisions)) {
      if (event.position > head) return;
      if (belongsToOrg(event, selection.orgId) && isInRange(event, range)) yield event;
    }
    return;
  }
  // `org-acme` also prefixes `org-acme2`: the prefix only narrows the read, belongsToOrg decides.
  const streamPrefixes = [orgStream(selection.orgId), DECISIONS_STREAM_PREFIX];
  for await (const page of readAllPages(ledger, { streamPrefixes }, cooperative)) {
    for (const event of page) {
      if (event.position > head) return;
      if (belongsToOrg(event, selection.orgId) && isInRange(event, range)) yield event;
    }
  }
}

/** True when a time (epoch ms) falls in the range; with no bound at all, every time does. */
export function isTimeInRange(ms: number, range: TimeRange): boolean {
  return (range.fromMs === undefined || ms >= range.fromMs) && (range.toMs === undefined || ms <= range.toMs);
}

async function* flatten(pages: AsyncIterable<RecordedEvent[]>): AsyncGenerator<RecordedEvent> {
  for await (const page of pages) yield* page;
}

async function* flattenRecords(pages: AsyncIterable<DecisionPage>): AsyncGenerator<RecordedEvent> {
  for await (const page of pages) yield* page.records;
}

/** Two position-ordered streams of records as one, in position order. */
async function* mergeByPosition(a: AsyncGenerator<RecordedEvent>, b: AsyncGenerator<RecordedEvent>): AsyncGenerator<RecordedEvent> {
  let nextA = await a.next();
  let nextB = await b.next();
  try {
    while (!nextA.done || !nextB.done) {
      if (nextB.done || (!nextA.done && nextA.value.position < nextB.value.position)) {
        yield nextA.value as RecordedEvent;
        nextA = await a.next();
      } else {
        yield nextB.value;
        nextB = await b.next();
      }
    }
  } finally {
    await a.return(undefined);
    await b.return(undefined);
  }
}

function parseBound(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new WardenError('invalid', 'invalid_export_range', `export ${name} is not an ISO 8601 time: ${value}`);
  }
  return ms;
}
