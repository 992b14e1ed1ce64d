import { orgStateAt, type OrgStateAt } from '@warden/audit';
import type { PermissionDecided } from '@warden/domain';
import { DECISIONS_STREAM_PREFIX, EventLedger, ORG_STREAM_PREFIX, orgIdFromStream, orgStream, type ReadStreamOptions, type RecordedEvent } from '@warden/ledger';

/** What a stopped control plane left in its ledger, read once through the ledger port. */
export interface LedgerFacts {
  readonly ledger: EventLedger;
  /** Every event of every org stream, by org id, in revision order (chains verified by readStream). */
  readonly orgEvents: ReadonlyMap<string, readonly RecordedEvent[]>;
  /** Every decision record, in ledger order. */
  readonly decisions: readonly RecordedEvent<string, PermissionDecided['data']>[];
  readonly eventCount: number;
  readonly headPosition: bigint | undefined;
  /** The org as it stood at a ledger position (the audit lib's own time travel, over the events read here). */
  stateAt(orgId: string, position: bigint): Promise<OrgStateAt>;
}

/** Reads the whole ledger (the global log page by page, then each org stream with its chain check). */
export async function readLedgerFacts(ledger: EventLedger): Promise<LedgerFacts> {
  const all: RecordedEvent[] = [];
  for (let after: bigint | undefined; ; ) {
    const page = await ledger.readAll({ after, limit: 1000 });
    if (page.length === 0) break;
    all.push(...page);
    after = page.at(-1)!.position;
  }
  const orgIds = new Set(all.map((event) => orgIdFromStream(event.streamId)).filter((id): id is string => id !== undefined));
  const orgEvents = new Map<string, RecordedEvent[]>();
  for (const orgId of orgIds) orgEvents.set(orgId, await ledger.readStream(orgStream(orgId)));
  const decisions = all.filter((event) => event.streamId.startsWith(DECISIONS_STREAM_PREFIX)) as RecordedEvent<string, PermissionDecided['data']>[];
  const orgEventCount = all.filter((event) => event.streamId.startsWith(ORG_STREAM_PREFIX)).length;
  const readInStreams = [...orgEvents.values()].reduce((sum, events) => sum + events.length, 0);
  if (readInStreams !== orgEventCount) throw new Error(`org streams hold ${readInStreams} events, the global log ${orgEventCount}`);
  // orgStateAt only reads streams: serve it the streams already read instead of reading each again per question.
  const cached = {
    readStream: async (streamId: string, options: ReadStreamOptions = {}) => {
      const events = (orgEvents.get(orgIdFromStream(streamId) ?? '') ?? []).filter((event) => event.revision >= (options.fromRevision ?? 0n));
      return options.limit === undefined ? events : events.slice(0, options.limit);
    },
  } as unknown as EventLedger;
  return {
    ledger,
    orgEvents,
    decisions,
    eventCount: all.length,
    headPosition: all.at(-1)?.position,
    stateAt: (orgId, position) => orgStateAt(cached, orgId, { position }),
  };
}

/** Decision ids that occur more than once across every decision stream, with their counts. */
export function duplicatedDecisionIds(decisions: readonly RecordedEvent<string, PermissionDecided['data']>[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const record of decisions) counts.set(record.data.decisionId, (counts.get(record.data.decisionId) ?? 0) + 1);
  return Object.fromEntries([...counts].filter(([, count]) => count > 1));
}
