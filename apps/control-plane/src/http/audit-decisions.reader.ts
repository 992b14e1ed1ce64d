import { type AuditIndexAccess, decisionPages, type IndexEntry, isInRange, isTimeInRange, type TimeRange } from '@warden/audit';
import { DECISIONS_STREAM_PREFIX, type EventLedger } from '@warden/ledger';
import { parsePermissionDecided } from '@warden/events';

/** Most records scanned by one request: a sparse query answers with a cursor instead of scanning forever. */
const SCAN_BUDGET = 200_000;
/** Most audit index entries looked at by one request (about a thousand steps), for the same reason. */
const LIST_BUDGET = 500_000;

export interface DecisionQuery {
  readonly orgId: string;
  readonly deviceId?: string;
  readonly from?: string;
  readonly to?: string;
  /** Only decisions with this code. */
  readonly code?: string;
  /** Only allowed (true) or denied (false) decisions. */
  readonly allowed?: boolean;
  /** Exclusive ledger position to continue after (the previous page's `nextCursor`). */
  readonly cursor?: bigint;
  readonly limit: number;
}

/**
 * Recorded decisions of one org (optionally one device, a code, allowed or denied, a time range), in ledger order,
 * paged by ledger position. `nextCursor` is set while more of the ledger is left to look at.
 * The org's (or device's) records come from decisionPages (libs/audit): through the node's
 * audit index when it is usable, else a scan of the decision streams; either way in small
 * pages, yielding to the event loop between them, and stopping when `signal` aborts.
 */
export class AuditDecisionsReader {
  constructor(
    private readonly ledger: EventLedger,
    private readonly index?: AuditIndexAccess,
  ) {}

  async query(query: DecisionQuery, signal?: AbortSignal) {
    const decisions: Array<Record<string, unknown>> = [];
    // A decision's time is its decidedAt; from and to arrive normalized to UTC by the query schema.
    const range: TimeRange = { fromMs: query.from === undefined ? undefined : Date.parse(query.from), toMs: query.to === undefined ? undefined : Date.parse(query.to) };
    const timed = range.fromMs !== undefined || range.toMs !== undefined;
    const keep = timed ? (entry: IndexEntry) => entry.timeMs === null || isTimeInRange(entry.timeMs, range) : undefined;
    let scanned = 0;
    let listed = 0;
    const search = { ...this.index?.searchOptions(), signal };
    for await (const page of decisionPages(this.ledger, { orgId: query.orgId, deviceId: query.deviceId, after: query.cursor, keep }, search)) {
      for (const event of page.records) {
        const data = event.data as { code?: unknown; allowed?: unknown };
        if ((query.code !== undefined && data.code !== query.code) || (query.allowed !== undefined && data.allowed !== query.allowed)) continue;
        if (timed && !isInRange(event, range)) continue;
        decisions.push({ position: event.position.toString(), node: event.streamId.slice(DECISIONS_STREAM_PREFIX.length), ...parsePermissionDecided(event.data).data });
        if (decisions.length >= query.limit) return { decisions, nextCursor: event.position.toString() };
      }
      scanned += page.scanned;
      listed += page.listed;
      if (scanned >= SCAN_BUDGET || listed >= LIST_BUDGET) return { decisions, nextCursor: page.through?.toString() ?? null };
    }
    return { decisions, nextCursor: null };
  }
}
