import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DecisionCode, OrgEvent, PermissionDecided } from '@warden/domain';
import { InMemoryEventLedger, type NewEvent, type ReadAllOptions, type RecordedEvent, decisionsStream, orgStream } from '@warden/ledger';

/** An in-memory ledger that counts readAll calls, to prove exports read page by page. */
export class CountingLedger extends InMemoryEventLedger {
  readAllCalls = 0;

  override async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    this.readAllCalls += 1;
    return super.readAll(options);
  }
}

/** Test time `minute` minutes after 2030-01-01T00:00Z. */
export const at = (minute: number): string => new Date(Date.UTC(2030, 0, 1) + minute * 60_000).toISOString();

let ids = 0;
const meta = (actor: string, causationId?: string) => ({
  actor,
  correlationId: `corr-${++ids}`,
  ...(causationId === undefined ? {} : { causationId }),
});

/** Appends control events to `org-<orgId>`. */
export async function appendOrg(ledger: InMemoryEventLedger, orgId: string, events: OrgEvent[]): Promise<void> {
  const newEvents: NewEvent[] = events.map((e) => ({ eventId: `evt-${++ids}`, ...e, metadata: meta('admin', `cmd-${ids}`) }));
  await ledger.append(orgStream(orgId), newEvents, { expectedRevision: 'any' });
}

/** Appends PermissionDecided records to `decisions-<nodeId>`. */
export async function appendDecisions(
  ledger: InMemoryEventLedger,
  nodeId: string,
  decisions: Array<{ orgId: string; deviceId: string; minute: number; code?: DecisionCode; orgRevision?: number }>,
): Promise<void> {
  const newEvents: NewEvent[] = decisions.map((d): NewEvent => {
    const code = d.code ?? 'ALLOW';
    const data: PermissionDecided['data'] = {
      decisionId: `req-${++ids}`,
      orgId: d.orgId,
      deviceId: d.deviceId,
      action: 'validate',
      allowed: code === 'ALLOW',
      code,
      orgRevision: d.orgRevision ?? 3,
      decidedAt: at(d.minute),
    };
    return { eventId: `evt-${++ids}`, type: 'PermissionDecided', data, metadata: meta('key-runtime') };
  });
  await ledger.append(decisionsStream(nodeId), newEvents, { expectedRevision: 'any' });
}

/**
 * Two orgs whose ids share a prefix (`acme`, `acme2`), control events interleaved with
 * decisions on two nodes. Minutes rise with ledger order. Org `acme` has 6 control events
 * and 6 decisions; `acme2` has 3 control events and 3 decisions.
 */
export async function twoOrgLedger(ledger: InMemoryEventLedger = new CountingLedger()): Promise<InMemoryEventLedger> {
  const created = (orgId: string, minute: number): OrgEvent => ({
    type: 'OrgCreated',
    data: { orgId, name: `${orgId} inc, "the" org`, planTier: 'pro', limit: 25, at: at(minute) },
  });
  const registered = (orgId: string, deviceId: string, minute: number): OrgEvent => ({
    type: 'DeviceRegistered',
    data: { orgId, deviceId, labels: { team: 'ops, "blue"', note: 'line1\nline2' }, at: at(minute) },
  });
  await appendOrg(ledger, 'acme', [created('acme', 0), { type: 'DeviceLimitSet', data: { orgId: 'acme', limit: 3, planTier: 'free', at: at(1) } }]);
  await appendOrg(ledger, 'acme2', [created('acme2', 2), registered('acme2', 'dev-1', 3)]);
  await appendOrg(ledger, 'acme', [registered('acme', 'dev-1', 4), registered('acme', 'dev-2', 5)]);
  await appendDecisions(ledger, 'node-a', [
    { orgId: 'acme', deviceId: 'dev-1', minute: 6 },
    { orgId: 'acme2', deviceId: 'dev-1', minute: 7 },
  ]);
  await appendDecisions(ledger, 'node-b', [
    { orgId: 'acme', deviceId: 'dev-2', minute: 8 },
    { orgId: 'acme', deviceId: 'dev-9', minute: 9, code: 'DEVICE_NOT_REGISTERED' },
  ]);
  await appendOrg(ledger, 'acme', [
    { type: 'DeviceRevoked', data: { orgId: 'acme', deviceId: 'dev-2', reason: 'lost, stolen', actor: 'admin', at: at(10) } },
  ]);
  await appendDecisions(ledger, 'node-a', [
    { orgId: 'acme', deviceId: 'dev-2', minute: 11, code: 'DEVICE_REVOKED', orgRevision: 4 },
    { orgId: 'acme2', deviceId: 'dev-1', minute: 12 },
  ]);
  await appendOrg(ledger, 'acme2', [{ type: 'OrgSuspended', data: { orgId: 'acme2', reason: 'unpaid', actor: 'admin', at: at(13) } }]);
  await appendDecisions(ledger, 'node-b', [
    { orgId: 'acme2', deviceId: 'dev-1', minute: 14, code: 'ORG_SUSPENDED' },
    { orgId: 'acme', deviceId: 'dev-1', minute: 15 },
  ]);
  await appendOrg(ledger, 'acme', [{ type: 'DeviceRestored', data: { orgId: 'acme', deviceId: 'dev-2', actor: 'admin', at: at(16) } }]);
  await appendDecisions(ledger, 'node-a', [{ orgId: 'acme', deviceId: 'dev-2', minute: 17, orgRevision: 5 }]);
  return ledger;
}

/** A fresh temporary directory and its cleanup. */
export function tempDir(): { dir: string; path: (name: string) => string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'warden-export-'));
  return { dir, path: (name) => join(dir, name), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
