import { InMemoryEventLedger, orgStream, type EventLedger, type NewEvent } from '@warden/ledger';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PermissionProjection } from './permission-projection';
import { decodeProjectionSnapshot, encodeProjectionSnapshot } from './projection-snapshot';
import { ProjectionSnapshotFile } from './projection-snapshot.file';

const at = '2030-01-01T00:00:00.000Z';
const meta = { actor: 'test', correlationId: 'c' };
let ids = 0;
const event = (type: string, data: object): NewEvent => ({ eventId: `e${ids++}`, type, data, metadata: meta });

async function seedOrg(ledger: EventLedger, orgId: string, devices: number): Promise<void> {
  const events = [
    event('OrgCreated', { orgId, at, name: orgId, planTier: 'custom', limit: devices - 1 }),
    event('OrgKeyIssued', { orgId, at, keyId: `${orgId}-k`, keyHash: orgId.padEnd(64, '0'), scope: 'admin' }),
    event('OrgKeyIssued', { orgId, at, keyId: `${orgId}-r`, keyHash: orgId.padEnd(64, '1'), scope: 'runtime' }),
  ];
  for (let d = 0; d < devices; d++) events.push(event('DeviceRegistered', { orgId, at, deviceId: `d${d}`, labels: d % 2 ? { team: 'x' } : {} }));
  events.push(event('DeviceRevoked', { orgId, at, deviceId: 'd1', reason: 'stolen', actor: 'op' }));
  events.push(event('OrgPolicySet', { orgId, at, leaseTtlSeconds: 30, actor: 'op' }));
  events.push(event('DeviceLeaseExpired', { orgId, at, deviceId: 'd2', lastSeenAt: at, ttlSeconds: 30 }));
  events.push(event('LockPlaced', { orgId, at, lockId: 'l1', selector: { labels: { team: 'x' } }, reason: 'incident', expiresAt: null, actor: 'op' }));
  events.push(event('LockPlaced', { orgId, at, lockId: 'l2', selector: { deviceId: 'd0' }, reason: 'timed', expiresAt: '2030-01-02T00:00:00.000Z', actor: 'op' }));
  events.push(event('OrgKeyRevoked', { orgId, at, keyId: `${orgId}-r` }));
  events.push(event('OrgSuspended', { orgId, at, reason: 'audit', actor: 'op' }));
  await ledger.append(orgStream(orgId), events, { expectedRevision: 'any' });
}

async function follow(ledger: EventLedger, projection = new PermissionProjection()): Promise<PermissionProjection> {
  for (const recorded of await ledger.readAll({ after: projection.position })) projection.apply(recorded);
  return projection;
}

function comparable(projection: PermissionProjection) {
  const orgs = [...projection.orgIds()].map((id) => {
    const { capDenied: _memo, ...org } = projection.org(id)!;
    return { ...org, devices: [...org.devices.values()].map((d) => ({ ...d })), keys: [...org.keys.values()] };
  });
  return { position: projection.position, orgs, last: projection.state()?.last };
}

describe('projection snapshot', () => {
  let ledger: InMemoryEventLedger;
  let dir: string;
  beforeEach(async () => {
    ledger = new InMemoryEventLedger();
    await seedOrg(ledger, 'acme', 6);
    await seedOrg(ledger, 'globex', 3);
    dir = mkdtempSync(join(tmpdir(), 'warden-snapshot-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('restores exactly the state it was taken from, keys and registration order included', async () => {
    const original = await follow(ledger);
    const restored = new PermissionProjection();
    const { header, lines } = encodeProjectionSnapshot(original.state()!);
    restored.restore(await decodeProjectionSnapshot([header, ...lines]));
    expect(comparable(restored)).toEqual(comparable(original));
    expect(restored.authenticate('acme'.padEnd(64, '0'))).toEqual({ orgId: 'acme', keyId: 'acme-k', scope: 'admin' });
    expect(restored.authenticate('acme'.padEnd(64, '1'))).toBeUndefined();
  });

  it('follows the ledger on from its position as a full replay would', async () => {
    const file = new ProjectionSnapshotFile(join(dir, 'p.snapshot'));
    await file.save(await follow(ledger));
    await ledger.append(orgStream('acme'), [event('OrgResumed', { orgId: 'acme', at, actor: 'op' }), event('DeviceRestored', { orgId: 'acme', at, deviceId: 'd1', actor: 'op' })], { expectedRevision: 'any' });
    await seedOrg(ledger, 'initech', 2);
    const fromSnapshot = new PermissionProjection();
    expect(await file.restoreInto(fromSnapshot, ledger)).toMatchObject({ kind: 'restored' });
    await follow(ledger, fromSnapshot);
    expect(comparable(fromSnapshot)).toEqual(comparable(await follow(ledger)));
  });

  it('drops a timed lock past its time at the same event as a full replay, across a snapshot', async () => {
    const file = new ProjectionSnapshotFile(join(dir, 'p.snapshot'));
    await file.save(await follow(ledger));
    const later = '2030-01-03T00:00:00.000Z';
    await ledger.append(orgStream('acme'), [event('OrgResumed', { orgId: 'acme', at: later, actor: 'op' })], { expectedRevision: 'any' });
    const fromSnapshot = new PermissionProjection();
    expect(await file.restoreInto(fromSnapshot, ledger)).toMatchObject({ kind: 'restored' });
    await follow(ledger, fromSnapshot);
    expect([...fromSnapshot.org('acme')!.locks.keys()]).toEqual(['l1']);
    expect([...fromSnapshot.org('globex')!.locks.keys()]).toEqual(['l1', 'l2']);
    expect(comparable(fromSnapshot)).toEqual(comparable(await follow(ledger)));
  });

  describe('when the file is corrupt', () => {
    it.each([
      ['a byte of its body changed', (text: string) => text.replace('"d3"', '"d9"')],
      ['its body cut short', (text: string) => text.slice(0, text.length - 10)],
      ['its header garbled', (text: string) => `{${text.slice(3)}`],
      ['an org line dropped', (text: string) => text.split('\n').filter((_, i) => i !== 1).join('\n')],
      ['empty', () => ''],
    ])('is rejected (%s) and leaves the projection empty', async (_case, damage) => {
      const file = new ProjectionSnapshotFile(join(dir, 'p.snapshot'));
      await file.save(await follow(ledger));
      writeFileSync(file.path, damage(readFileSync(file.path, 'utf8')));
      const projection = new PermissionProjection();
      const outcome = await file.restoreInto(projection, ledger);
      expect(outcome).toMatchObject({ kind: 'rejected' });
      expect(projection.position).toBeUndefined();
      expect(projection.orgCount).toBe(0);
    });
  });

  describe('when the snapshot is not of this ledger', () => {
    it('is rejected when the ledger ends before its position (a ledger restored from an older backup)', async () => {
      const file = new ProjectionSnapshotFile(join(dir, 'p.snapshot'));
      await file.save(await follow(ledger));
      const older = new InMemoryEventLedger();
      await seedOrg(older, 'acme', 6);
      const outcome = await file.restoreInto(new PermissionProjection(), older);
      expect(outcome).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('ends at position') });
    });

    it('is rejected when the ledger holds another event where the snapshot was taken', async () => {
      const file = new ProjectionSnapshotFile(join(dir, 'p.snapshot'));
      await file.save(await follow(ledger));
      const other = new InMemoryEventLedger();
      await seedOrg(other, 'acme', 6);
      await seedOrg(other, 'globex', 4);
      const outcome = await file.restoreInto(new PermissionProjection(), other);
      expect(outcome).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('is not the event') });
    });
  });

  it('is absent when there is no file, and nothing is written before the first org event', async () => {
    const file = new ProjectionSnapshotFile(join(dir, 'none.snapshot'));
    expect(await file.restoreInto(new PermissionProjection(), ledger)).toEqual({ kind: 'absent' });
    expect(await file.save(new PermissionProjection())).toBe(false);
  });
});
