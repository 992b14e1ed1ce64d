import { initialOrgState, LedgerIntegrityError, type OrgEvent, type OrgState } from '@warden/domain';
import { ORG_STREAM_PREFIX, orgIdFromStream, orgStream, type EventLedger, type RecordedEvent } from '@warden/ledger';
import { foldRecordedOrgEvent } from '@warden/events';
import type { ChainChecker } from './chain-checker';
import type { DecisionTuple, MalformedRecord } from './decision-index';
import { scanLedger, type ScanProgress } from './ledger-scan';

/** What a fold of the org streams reports to its caller. */
export interface OrgFoldVisitor {
  /** A recorded decision, with the org's state exactly at the revision it records. */
  decision(state: OrgState, decision: DecisionTuple): void;
  /** A decision whose org never reached the revision it records. */
  missing(state: OrgState, decision: DecisionTuple): void;
  /** A control event, before it is folded into `state`. */
  beforeEvent?(state: OrgState, event: OrgEvent, recorded: RecordedEvent): void;
  /**
   * Wraps the fold of a control event (after `beforeEvent`): it must call `evolve` exactly once,
   * and may look at the state on both sides of it. Without it the event is simply folded.
   */
  aroundEvent?(state: OrgState, event: OrgEvent, recorded: RecordedEvent, evolve: () => void): void;
  /** The same event, after it was folded in. */
  afterEvent?(state: OrgState, event: OrgEvent, recorded: RecordedEvent): void;
}

interface OrgCursor {
  readonly state: OrgState;
  readonly bucket: readonly DecisionTuple[];
  next: number;
}

/** Counts of one fold. */
export interface OrgFoldResult {
  readonly events: number;
  readonly orgs: number;
  readonly malformed: MalformedRecord[];
}

/**
 * Phase two: folds every org stream (or one) in ledger order and hands each bucketed decision
 * to the visitor when the fold stands exactly at the decision's revision: before an event of
 * revision r is folded, every decision at a revision below r is evaluated. Decisions are
 * written after the org events they were decided at, so this avoids copying org states per
 * decision. Holds one state per org, like the projection does.
 */
export async function foldOrgs(
  ledger: EventLedger,
  buckets: Map<string, DecisionTuple[]>,
  checker: ChainChecker,
  visitor: OrgFoldVisitor,
  options: { orgId?: string; onProgress?: (progress: ScanProgress) => void },
): Promise<OrgFoldResult> {
  const cursors = new Map<string, OrgCursor>();
  const malformed: MalformedRecord[] = [];
  const cursorOf = (orgId: string): OrgCursor => {
    let cursor = cursors.get(orgId);
    if (!cursor) {
      cursor = { state: initialOrgState(orgId), bucket: buckets.get(orgId) ?? [], next: 0 };
      cursors.set(orgId, cursor);
    }
    return cursor;
  };
  const only = options.orgId === undefined ? undefined : orgStream(options.orgId);
  let events = 0;
  const scan = scanLedger(ledger, {
    streamPrefixes: [only ?? ORG_STREAM_PREFIX],
    onProgress: options.onProgress,
    onUnreadable: (error) => checker.unreadable(error),
  });
  for await (const recorded of scan) {
    if (only !== undefined && recorded.streamId !== only) continue;
    const orgId = orgIdFromStream(recorded.streamId);
    if (orgId === undefined) continue;
    events++;
    checker.check(recorded);
    const cursor = cursorOf(orgId);
    evaluateUpTo(cursor, Number(recorded.revision) - 1, visitor);
    let event: OrgEvent | undefined;
    try {
      event = foldRecordedOrgEvent(cursor.state, recorded, (parsed, evolve) => {
        visitor.beforeEvent?.(cursor.state, parsed, recorded);
        if (visitor.aroundEvent) visitor.aroundEvent(cursor.state, parsed, recorded, evolve);
        else evolve();
      });
    } catch (error) {
      if (!(error instanceof LedgerIntegrityError)) throw error;
      // Replay reports a malformed event and goes on, the org standing at its revision.
      malformed.push({ streamId: recorded.streamId, position: recorded.position.toString(), reason: error.message });
      cursor.state.revision = Number(recorded.revision);
    }
    if (event) visitor.afterEvent?.(cursor.state, event, recorded);
  }
  for (const orgId of buckets.keys()) cursorOf(orgId);
  for (const cursor of cursors.values()) {
    evaluateUpTo(cursor, cursor.state.revision, visitor);
    for (; cursor.next < cursor.bucket.length; cursor.next++) visitor.missing(cursor.state, cursor.bucket[cursor.next]);
  }
  return { events, orgs: [...cursors.values()].filter((cursor) => cursor.state.exists).length, malformed };
}

function evaluateUpTo(cursor: OrgCursor, revision: number, visitor: OrgFoldVisitor): void {
  while (cursor.next < cursor.bucket.length && cursor.bucket[cursor.next].orgRevision <= revision) {
    const decision = cursor.bucket[cursor.next++];
    // A decision at a revision the fold skipped (a deleted event) cannot be re-decided exactly.
    if (decision.orgRevision === cursor.state.revision) visitor.decision(cursor.state, decision);
    else visitor.missing(cursor.state, decision);
  }
}
