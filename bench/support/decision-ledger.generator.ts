import { decisionsStream, type EventLedger, type NewEvent, orgStream } from '@warden/ledger';

/** Shape of the generated ledger: every device gets exactly `perDevice` decisions, spread over the whole ledger. */
export interface DecisionLedgerShape {
  readonly orgs: number;
  readonly devicesPerOrg: number;
  readonly perDevice: number;
}

/** Decisions per append: one transaction of the adapter each. */
const BATCH = 10_000;
export const GENERATED_START_MS = Date.UTC(2030, 0, 1);
/** Decision i is decided at start + i × this: time grows with position, as on a real node. */
export const MS_PER_DECISION = 10;

export const orgName = (o: number): string => `bench-org-${o}`;

/** Which org and device decision i is about: round robin over the orgs, then the devices, so a device's records are far apart. */
export function decisionTarget(i: number, shape: DecisionLedgerShape): { org: number; device: number } {
  return { org: i % shape.orgs, device: Math.floor(i / shape.orgs) % shape.devicesPerOrg };
}

/**
 * Writes the ledger through the adapter (the EventLedger port: whatever the stored format,
 * this writes what the control plane would), in large appends: per org its creation, key and
 * registrations; then `orgs × devicesPerOrg × perDevice` validate decisions alternating
 * between two node streams, each device's spread evenly over the whole ledger.
 */
export async function generateDecisionLedger(ledger: EventLedger, shape: DecisionLedgerShape, progress: (done: number, total: number) => void): Promise<number> {
  const meta = (id: string): NewEvent['metadata'] => ({ actor: 'bench', correlationId: id });
  const at = new Date(GENERATED_START_MS).toISOString();
  for (let o = 0; o < shape.orgs; o++) {
    const orgId = orgName(o);
    const control: NewEvent[] = [
      { eventId: `${orgId}-c`, type: 'OrgCreated', data: { orgId, at, name: orgId, planTier: 'custom', limit: shape.devicesPerOrg }, metadata: meta(orgId) },
      { eventId: `${orgId}-k`, type: 'OrgKeyIssued', data: { orgId, at, keyId: `k${o}`, keyHash: 'a'.repeat(64), scope: 'admin' }, metadata: meta(orgId) },
    ];
    for (let d = 0; d < shape.devicesPerOrg; d++) {
      control.push({ eventId: `${orgId}-r${d}`, type: 'DeviceRegistered', data: { orgId, at, deviceId: `d${d}`, labels: {} }, metadata: meta(orgId) });
    }
    await ledger.append(orgStream(orgId), control, { expectedRevision: 'no_stream' });
  }
  const total = shape.orgs * shape.devicesPerOrg * shape.perDevice;
  const orgRevision = shape.devicesPerOrg + 1;
  for (let written = 0, batch = 0; written < total; written += BATCH, batch++) {
    const events: NewEvent[] = [];
    for (let i = written; i < Math.min(total, written + BATCH); i++) {
      const { org, device } = decisionTarget(i, shape);
      // Zero-padded: ids in insertion order keep the adapter's unique index on event ids appending, not splitting pages.
      const decisionId = `q${String(i).padStart(10, '0')}`;
      events.push({
        eventId: decisionId,
        type: 'PermissionDecided',
        data: {
          decisionId,
          orgId: orgName(org),
          deviceId: `d${device}`,
          action: 'validate',
          allowed: true,
          code: 'ALLOW',
          orgRevision,
          decidedAt: new Date(GENERATED_START_MS + i * MS_PER_DECISION).toISOString(),
        },
        metadata: meta(decisionId),
      });
    }
    await ledger.append(decisionsStream(`bench-${batch % 2}`), events, { expectedRevision: 'any' });
    progress(Math.min(total, written + BATCH), total);
  }
  return total;
}
