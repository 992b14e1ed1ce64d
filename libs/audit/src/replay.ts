import { decideOrg, decideValidation, DecisionCode, type OrgState, type Verdict } from '@warden/domain';
import type { EventLedger } from '@warden/ledger';
import { AckCheck, type UnexpectedAck } from './ack-check';
import { ChainChecker, type ChainBreak } from './chain-checker';
import { indexDecisions, type DecisionTuple, type MalformedRecord } from './decision-index';
import { ExpiryCheck, type UnjustifiedExpiry } from './expiry-check';
import { foldOrgs } from './org-fold';

/**
 * The recomputed code of a decision whose org never reached the revision it records (or whose
 * revision was lost from the ledger): it cannot be re-decided, so it is always a mismatch.
 */
export const ORG_REVISION_MISSING = 'ORG_REVISION_MISSING';

/** A verdict as replay reports it; `code` may also be ORG_REVISION_MISSING. */
export interface ReplayVerdict {
  readonly allowed: boolean;
  readonly code: string;
}

/** A recorded decision that the domain, replayed at the same org revision, does not confirm. */
export interface ReplayMismatch {
  readonly decisionId: string;
  readonly orgId: string;
  readonly deviceId: string;
  /** Ledger position of the decision record, as a decimal string. */
  readonly position: string;
  readonly orgRevision: number;
  readonly recorded: ReplayVerdict;
  readonly recomputed: ReplayVerdict;
}

export interface ReplayReport {
  /** Events read (decision, ack and org streams). */
  readonly events: number;
  /** Orgs that exist in the ledger (within the filter). */
  readonly orgs: number;
  /** Decisions re-decided (LEDGER_UNAVAILABLE records, never expected, are not counted). */
  readonly decisions: number;
  readonly mismatches: ReplayMismatch[];
  readonly chainBreaks: readonly ChainBreak[];
  /** Records that are not valid events of their type (zod on read); they are not replayed. */
  readonly malformed: MalformedRecord[];
  /** Lease expiries that no lapse of recorded signs of life justifies (see ExpiryCheck). */
  readonly unjustifiedExpiries: UnjustifiedExpiry[];
  /** Acks checked (within the filter). */
  readonly acks: number;
  /** Acks that answer no change of their device's permission (see AckCheck), in ledger order. */
  readonly unexpectedAcks: UnexpectedAck[];
}

export interface ReplayOptions {
  /** Replay one org only (its control stream and its decisions). */
  readonly orgId?: string;
  /** Called once per page read with the number of events read so far (both passes together). */
  readonly onProgress?: (events: number) => void;
}

const MISSING: ReplayVerdict = Object.freeze({ allowed: false, code: ORG_REVISION_MISSING });
const ALLOWED: Verdict = Object.freeze({ allowed: true, code: DecisionCode.Allow });

/**
 * Rebuilds every org from the ledger and re-decides every recorded decision at the org
 * revision it records: `validate` with decideValidation, `register` with the refusal a
 * RegisterDevice command would have got. Also re-derives lease expiries, checks that every
 * recorded ack answers a change of its device (AckCheck), and checks every hash chain on the
 * way. Three passes over the ledger (decisions, acks, org streams); memory is one tuple per
 * decision and per ack plus one state per org.
 */
export async function replayLedger(ledger: EventLedger, options: ReplayOptions = {}): Promise<ReplayReport> {
  const checker = new ChainChecker();
  const index = await indexDecisions(ledger, checker, {
    orgId: options.orgId,
    onProgress: options.onProgress && ((progress) => options.onProgress?.(progress.events)),
  });
  const acks = new AckCheck();
  await acks.index(ledger, checker, {
    orgId: options.orgId,
    onProgress: options.onProgress && ((progress) => options.onProgress?.(index.events + progress.events)),
  });
  const mismatches: ReplayMismatch[] = [];
  const mismatch = (decision: DecisionTuple, recomputed: ReplayVerdict): void => {
    mismatches.push({
      decisionId: decision.decisionId,
      orgId: decision.orgId,
      deviceId: decision.deviceId,
      position: decision.position.toString(),
      orgRevision: decision.orgRevision,
      recorded: { allowed: decision.allowed, code: decision.code },
      recomputed,
    });
  };
  const expiries = new ExpiryCheck(index.byOrg);
  const fold = await foldOrgs(
    ledger,
    index.byOrg,
    checker,
    {
      beforeEvent(state, event, recorded) {
        if (event.type === 'DeviceLeaseExpired') expiries.check(state, event, recorded);
      },
      aroundEvent: (state, event, recorded, evolve) => acks.around(state, event, recorded, evolve),
      decision(state, decision) {
        const verdict = redecide(state, decision);
        if (verdict.allowed !== decision.allowed || verdict.code !== decision.code) mismatch(decision, verdict);
      },
      missing: (_state, decision) => mismatch(decision, MISSING),
    },
    { orgId: options.orgId, onProgress: options.onProgress && ((progress) => options.onProgress?.(index.events + acks.events + progress.events)) },
  );
  acks.finish();
  mismatches.sort((a, b) => comparePositions(a.position, b.position));
  return {
    events: index.events + acks.events + fold.events,
    orgs: fold.orgs,
    decisions: index.decisions,
    mismatches,
    chainBreaks: checker.breaks,
    malformed: [...index.malformed, ...acks.malformed, ...fold.malformed],
    unjustifiedExpiries: expiries.unjustified,
    acks: acks.acks,
    unexpectedAcks: acks.unexpected,
  };
}

/** The verdict the domain gives for a recorded decision, at the state it records. */
export function redecide(state: OrgState, decision: Pick<DecisionTuple, 'action' | 'deviceId' | 'orgId' | 'decidedAtMs'>): ReplayVerdict {
  // A heartbeat answers the same verdict as a validation at its time.
  if (decision.action !== 'register') return decideValidation(state, decision.deviceId, decision.decidedAtMs);
  // Registration of an unknown org is an error, never a record: nothing to compare with.
  if (!state.exists) return MISSING;
  const outcome = decideOrg(
    { type: 'RegisterDevice', orgId: decision.orgId, at: '', actor: 'replay', data: { deviceId: decision.deviceId, labels: {} } },
    state,
  );
  return outcome.refusal ? { allowed: false, code: outcome.refusal } : ALLOWED;
}

function comparePositions(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
