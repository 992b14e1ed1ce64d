import { DecisionCode, type DecisionAction } from '@warden/domain';
import { DECISIONS_STREAM_PREFIX, type EventLedger } from '@warden/ledger';
import { parsePermissionDecided } from '@warden/events';
import type { ChainChecker } from './chain-checker';
import { scanLedger, type ScanProgress } from './ledger-scan';

/** The compact form of one recorded decision that replay and invariants keep in memory. */
export interface DecisionTuple {
  readonly decisionId: string;
  readonly orgId: string;
  readonly deviceId: string;
  readonly action: DecisionAction;
  readonly allowed: boolean;
  readonly code: DecisionCode;
  readonly orgRevision: number;
  /** `decidedAt` as epoch ms: the decision's own time, which replay decides with. */
  readonly decidedAtMs: number;
  readonly position: bigint;
}

/** A stored record that is not a valid PermissionDecided. */
export interface MalformedRecord {
  readonly streamId: string;
  readonly position: string;
  readonly reason: string;
}

/** Decisions bucketed by org, each bucket sorted by (orgRevision, position). */
export interface DecisionIndex {
  readonly byOrg: Map<string, DecisionTuple[]>;
  readonly events: number;
  readonly decisions: number;
  readonly malformed: MalformedRecord[];
}

/**
 * Phase one of replay and invariants: scans every `decisions-` stream (chain-checked) and
 * keeps one tuple per decision, bucketed by org. LEDGER_UNAVAILABLE decisions are never on
 * the record by design; one found anyway is skipped.
 */
export async function indexDecisions(
  ledger: EventLedger,
  checker: ChainChecker,
  options: { orgId?: string; onProgress?: (progress: ScanProgress) => void },
): Promise<DecisionIndex> {
  const byOrg = new Map<string, DecisionTuple[]>();
  const malformed: MalformedRecord[] = [];
  let events = 0;
  let decisions = 0;
  const scan = scanLedger(ledger, {
    streamPrefixes: [DECISIONS_STREAM_PREFIX],
    onProgress: options.onProgress,
    onUnreadable: (error) => checker.unreadable(error),
  });
  for await (const event of scan) {
    events++;
    checker.check(event);
    if (event.type !== 'PermissionDecided') continue;
    let data;
    try {
      data = parsePermissionDecided(event.data).data;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      malformed.push({ streamId: event.streamId, position: event.position.toString(), reason });
      continue;
    }
    if (data.code === DecisionCode.LedgerUnavailable) continue;
    if (options.orgId !== undefined && data.orgId !== options.orgId) continue;
    decisions++;
    const { decisionId, orgId, deviceId, action, allowed, code, orgRevision } = data;
    const decidedAtMs = Date.parse(data.decidedAt);
    const bucket = byOrg.get(orgId) ?? [];
    if (bucket.length === 0) byOrg.set(orgId, bucket);
    bucket.push({ decisionId, orgId, deviceId, action, allowed, code, orgRevision, decidedAtMs, position: event.position });
  }
  for (const bucket of byOrg.values()) {
    bucket.sort((a, b) => a.orgRevision - b.orgRevision || (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  }
  return { byOrg, events, decisions, malformed };
}
