import { devicesBeyondCap, isLocked, type OrgEvent, type OrgState } from '@warden/domain';
import type { EventLedger, RecordedEvent } from '@warden/ledger';
import { ChainChecker, type ChainBreak } from './chain-checker';
import { indexDecisions, type DecisionTuple } from './decision-index';
import { foldOrgs } from './org-fold';

/**
 * What an invariant breach is:
 * - `CAP_EXCEEDED`: a registration or restore made the active count go over the cap (a
 *   cap lowered below the active count is legal and is not a breach);
 * - `REGISTERED_WHILE_SUSPENDED`: a device was registered while its org was suspended;
 * - `ALLOW_UNREGISTERED` / `ALLOW_REVOKED` / `ALLOW_SUSPENDED` / `ALLOW_BEYOND_CAP`: an ALLOW
 *   was recorded for a device that, at the recorded revision, was unknown or removed, revoked,
 *   in a suspended org, or among the newest registrations beyond the cap;
 * - `ALLOW_EXPIRED`: an ALLOW recorded for a device between its lease expiry and its next
 *   registration; `ALLOW_LOCKED`: for a device a lock in force at the decision's time matched;
 * - `ALLOW_AT_MISSING_REVISION`: an ALLOW recorded at an org revision that is not in the ledger.
 */
export type BreachKind =
  | 'CAP_EXCEEDED'
  | 'REGISTERED_WHILE_SUSPENDED'
  | 'ALLOW_UNREGISTERED'
  | 'ALLOW_REVOKED'
  | 'ALLOW_SUSPENDED'
  | 'ALLOW_BEYOND_CAP'
  | 'ALLOW_EXPIRED'
  | 'ALLOW_LOCKED'
  | 'ALLOW_AT_MISSING_REVISION';

export interface InvariantBreach {
  readonly kind: BreachKind;
  readonly orgId: string;
  readonly deviceId?: string;
  /** Ledger position of the offending event or decision record, as a decimal string. */
  readonly position: string;
  readonly detail: string;
}

export interface InvariantReport {
  readonly events: number;
  readonly orgs: number;
  readonly decisions: number;
  /** In ledger order. */
  readonly breaches: InvariantBreach[];
  /** Hash-chain breaks met on the way: a broken chain makes the proof void for that stream. */
  readonly chainBreaks: readonly ChainBreak[];
}

export interface InvariantOptions {
  readonly orgId?: string;
  /** Called once per page read with the number of events read so far. */
  readonly onProgress?: (events: number) => void;
}

/**
 * Proves from the ledger alone that every org kept its cap and that no ALLOW was ever
 * recorded for a device the org state at the recorded revision denies. Same two passes as
 * replay, but checks the rules directly instead of comparing with the recorded code.
 */
export async function checkInvariants(ledger: EventLedger, options: InvariantOptions = {}): Promise<InvariantReport> {
  const checker = new ChainChecker();
  const index = await indexDecisions(ledger, checker, {
    orgId: options.orgId,
    onProgress: options.onProgress && ((progress) => options.onProgress?.(progress.events)),
  });
  const breaches: InvariantBreach[] = [];
  const fold = await foldOrgs(
    ledger,
    index.byOrg,
    checker,
    {
      beforeEvent: (state, event, recorded) => checkControlEvent(state, event, recorded, breaches),
      decision: (state, decision) => checkAllow(state, decision, breaches),
      missing(_state, decision) {
        if (!decision.allowed) return;
        breaches.push(breach('ALLOW_AT_MISSING_REVISION', decision, `ALLOW recorded at org revision ${decision.orgRevision}, not in the ledger`));
      },
    },
    { orgId: options.orgId, onProgress: options.onProgress && ((progress) => options.onProgress?.(index.events + progress.events)) },
  );
  breaches.sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : BigInt(a.position) > BigInt(b.position) ? 1 : 0));
  return { events: index.events + fold.events, orgs: fold.orgs, decisions: index.decisions, breaches, chainBreaks: checker.breaks };
}

/** Checks a control event against the state it is about to be folded into. */
function checkControlEvent(state: OrgState, event: OrgEvent, recorded: RecordedEvent, breaches: InvariantBreach[]): void {
  const at = { orgId: state.orgId, position: recorded.position.toString() };
  if (event.type !== 'DeviceRegistered' && event.type !== 'DeviceRestored') return;
  const deviceId = event.data.deviceId;
  const device = state.devices.get(deviceId);
  const activates = event.type === 'DeviceRegistered' ? device?.status !== 'active' : device?.status === 'revoked';
  if (!activates) return;
  if (event.type === 'DeviceRegistered' && state.suspended) {
    breaches.push({ kind: 'REGISTERED_WHILE_SUSPENDED', ...at, deviceId, detail: `${deviceId} registered at revision ${recorded.revision} while the org was suspended` });
  }
  if (state.activeCount >= state.limit) {
    const what = event.type === 'DeviceRegistered' ? 'registered' : 'restored';
    breaches.push({
      kind: 'CAP_EXCEEDED',
      ...at,
      deviceId,
      detail: `${deviceId} ${what} at revision ${recorded.revision} with ${state.activeCount} active devices and a cap of ${state.limit}`,
    });
  }
}

/** Checks a recorded ALLOW against the state at the revision it records. */
function checkAllow(state: OrgState, decision: DecisionTuple, breaches: InvariantBreach[]): void {
  if (!decision.allowed) return;
  const device = state.exists ? state.devices.get(decision.deviceId) : undefined;
  const where = `at org revision ${decision.orgRevision}`;
  if (!device) breaches.push(breach('ALLOW_UNREGISTERED', decision, `ALLOW for a device not registered ${where}`));
  else if (device.status === 'revoked') breaches.push(breach('ALLOW_REVOKED', decision, `ALLOW for a revoked device ${where}`));
  else if (device.status === 'expired') breaches.push(breach('ALLOW_EXPIRED', decision, `ALLOW for a device whose lease expired at ${device.expiredAt} ${where}`));
  else if (state.suspended) breaches.push(breach('ALLOW_SUSPENDED', decision, `ALLOW while the org was suspended ${where}`));
  else if (isLocked(state, device, decision.decidedAtMs)) breaches.push(breach('ALLOW_LOCKED', decision, `ALLOW for a locked device ${where}`));
  else if (state.activeCount > state.limit && devicesBeyondCap(state).has(decision.deviceId)) {
    breaches.push(breach('ALLOW_BEYOND_CAP', decision, `ALLOW beyond the cap of ${state.limit} (${state.activeCount} active) ${where}`));
  }
}

function breach(kind: BreachKind, decision: DecisionTuple, detail: string): InvariantBreach {
  return { kind, orgId: decision.orgId, deviceId: decision.deviceId, position: decision.position.toString(), detail: `${detail} (decision ${decision.decisionId})` };
}
