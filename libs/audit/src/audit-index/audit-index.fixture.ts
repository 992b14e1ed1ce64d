import { decisionsStream, type EventLedger, InMemoryEventLedger, type NewEvent, orgStream } from '@warden/ledger';

/** One step of a generated ledger: a device registered, or a decision recorded on one of two nodes. */
export type LedgerStep = { readonly kind: 'register'; readonly org: number; readonly device: number } | { readonly kind: 'decide'; readonly org: number; readonly device: number; readonly node: number; readonly allowed: boolean };

export const ORGS = ['acme', 'acme2', 'globex'];
export const DEVICES = ['d0', 'd1', 'd2', 'd3'];

const meta = (): NewEvent['metadata'] => ({ actor: 'test', correlationId: 'test' });
const at = (n: number): string => new Date(Date.UTC(2030, 0, 1) + n * 1000).toISOString();

/** The time of the n-th step of {@link writeLedger}'s ledger. */
export const stepTime = at;

/**
 * A ledger of the given steps: every org created first, then the steps in order (one
 * second apart), decisions alternating between the nodes the step names. `acme` prefixes
 * `acme2`'s stream on purpose: no answer may mix them up.
 */
export async function writeLedger(steps: readonly LedgerStep[], ledger: EventLedger = new InMemoryEventLedger()): Promise<EventLedger> {
  for (const orgId of ORGS) {
    await ledger.append(orgStream(orgId), [{ eventId: `c-${orgId}`, type: 'OrgCreated', data: { orgId, at: at(0), name: orgId, planTier: 'custom', limit: 10 }, metadata: meta() }], { expectedRevision: 'no_stream' });
  }
  return appendSteps(ledger, steps, 0);
}

/** Appends more steps to a ledger of {@link writeLedger}; `done` steps were written before (ids and times go on from there). */
export async function appendSteps(ledger: EventLedger, steps: readonly LedgerStep[], done: number): Promise<EventLedger> {
  let n = done;
  for (const step of steps) {
    n++;
    const orgId = ORGS[step.org];
    const deviceId = DEVICES[step.device];
    if (step.kind === 'register') {
      await ledger.append(orgStream(orgId), [{ eventId: `r${n}`, type: 'DeviceRegistered', data: { orgId, at: at(n), deviceId, labels: {} }, metadata: meta() }], { expectedRevision: 'any' });
    } else {
      const code = step.allowed ? 'ALLOW' : 'DEVICE_REVOKED';
      const data = { decisionId: `q${n}`, orgId, deviceId, action: 'validate', allowed: step.allowed, code, orgRevision: 0, decidedAt: at(n) };
      await ledger.append(decisionsStream(`node-${step.node}`), [{ eventId: `q${n}`, type: 'PermissionDecided', data, metadata: meta() }], { expectedRevision: 'any' });
    }
  }
  return ledger;
}
