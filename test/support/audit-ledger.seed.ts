import { decisionsStream, orgStream, type EventLedger, type NewEvent } from '@warden/ledger';

const AT = '2030-01-01T00:00:00.000Z';
const BATCH = 2000;

/**
 * SQLite appends are synchronous: without a turn of the event loop between batches, seeding
 * would hold the process for seconds, and a keep-alive HTTP client of the same process was
 * seen to hang its next request afterwards.
 */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Writes `count` validate decision records about `devices` devices (`d0`, `d1`, …) of an org
 * straight through the ledger port, on a decisions stream of its own (`decisions-<nodeId>`),
 * as a node that once served the org would have: a large ledger in about a second instead of
 * `count` HTTP calls. The records name `orgRevision` 0 (they are for reading, not replay).
 */
export async function seedDecisions(ledger: EventLedger, orgId: string, options: { count: number; devices: number; nodeId?: string }): Promise<void> {
  const stream = decisionsStream(options.nodeId ?? 'seeded');
  for (let written = 0; written < options.count; written += BATCH) {
    const events: NewEvent[] = [];
    for (let i = written; i < Math.min(options.count, written + BATCH); i++) {
      const decisionId = `seed-${orgId}-${i}`;
      events.push({
        eventId: decisionId,
        type: 'PermissionDecided',
        data: { decisionId, orgId, deviceId: `d${i % options.devices}`, action: 'validate', allowed: true, code: 'ALLOW', orgRevision: 0, decidedAt: AT },
        metadata: { actor: 'seed', correlationId: decisionId },
      });
    }
    await ledger.append(stream, events, { expectedRevision: 'any' });
    await nextTurn();
  }
}

/**
 * Appends `count` DeviceRegistered events (`r0`, `r1`, …) to an existing org's stream through
 * the ledger port; the projection follows them like any other write. For orgs of 100,000
 * devices without 100,000 HTTP calls. Resolves with the position of the last one (for
 * `projection.waitForPosition`). Give the org a cap above `count` first: past its cap every
 * registration changes who is denied, which the relays recompute per event.
 */
export async function seedDevices(ledger: EventLedger, orgId: string, count: number): Promise<bigint> {
  let position = 0n;
  for (let written = 0; written < count; written += BATCH) {
    const events: NewEvent[] = [];
    for (let i = written; i < Math.min(count, written + BATCH); i++) {
      events.push({
        eventId: `seed-${orgId}-r${i}`,
        type: 'DeviceRegistered',
        data: { orgId, at: AT, deviceId: `r${i}`, labels: {} },
        metadata: { actor: 'seed', correlationId: `seed-${orgId}` },
      });
    }
    position = (await ledger.append(orgStream(orgId), events, { expectedRevision: 'any' })).position;
    await nextTurn();
  }
  return position;
}
