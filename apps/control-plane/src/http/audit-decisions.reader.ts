import { readAllPages } from '@warden/audit';
import { DECISIONS_STREAM_PREFIX, type EventLedger } from '@warden/ledger';
import { parsePermissionDecided } from '@warden/events';

/** Most records scanned by one request: a sparse query answers with a cursor instead of scanning forever. */
const SCAN_BUDGET = 200_000;

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
 * The decision streams are read in small pages, yielding to the event loop between them
 * (cooperative-scan in libs/audit), and the scan stops when `signal` aborts.
 */
export class AuditDecisionsReader {
  constructor(private readonly ledger: EventLedger) {}

  async query(query: DecisionQuery, signal?: AbortSignal) {
    const decisions: Array<Record<string, unknown>> = [];
    let after = query.cursor;
    let scanned = 0;
    for await (const page of readAllPages(this.ledger, { after, streamPrefixes: [DECISIONS_STREAM_PREFIX] }, { signal })) {
      for (const event of page) {
        after = event.position;
        const data = event.data as { orgId?: unknown; deviceId?: unknown; decidedAt?: unknown; code?: unknown; allowed?: unknown };
        if (data.orgId !== query.orgId || (query.deviceId !== undefined && data.deviceId !== query.deviceId)) continue;
        if ((query.code !== undefined && data.code !== query.code) || (query.allowed !== undefined && data.allowed !== query.allowed)) continue;
        const decidedAt = String(data.decidedAt);
        if ((query.from && decidedAt < query.from) || (query.to && decidedAt > query.to)) continue;
        decisions.push({ position: event.position.toString(), node: event.streamId.slice(DECISIONS_STREAM_PREFIX.length), ...parsePermissionDecided(event.data).data });
        if (decisions.length >= query.limit) return { decisions, nextCursor: after.toString() };
      }
      scanned += page.length;
      if (scanned >= SCAN_BUDGET) return { decisions, nextCursor: after?.toString() ?? null };
    }
    return { decisions, nextCursor: null };
  }
}
