import { LedgerIntegrityError } from '@warden/domain';
import { GENESIS_HASH, type RecordedEvent } from '@warden/ledger';
import { PermissionProjection } from './permission-projection';

let position = 0n;
function recorded(streamId: string, revision: number, type: string, data: object, prevHash: string, hash: string): RecordedEvent {
  position += 1n;
  return { streamId, revision: BigInt(revision), position, eventId: `e${position}`, type, data, metadata: { actor: 'a', correlationId: 'c', prevHash, hash } };
}

const at = '2030-01-01T00:00:00.000Z';
const h = (n: number) => n.toString(16).padStart(64, '0');

function orgEvents(orgId: string): RecordedEvent[] {
  const stream = `org-${orgId}`;
  return [
    recorded(stream, 0, 'OrgCreated', { orgId, at, name: 'n', planTier: 'free', limit: 3 }, GENESIS_HASH, h(1)),
    recorded(stream, 1, 'OrgKeyIssued', { orgId, at, keyId: 'k1', keyHash: 'a'.repeat(64), scope: 'admin' }, h(1), h(2)),
    recorded(stream, 2, 'DeviceRegistered', { orgId, at, deviceId: 'd1', labels: {} }, h(2), h(3)),
  ];
}

describe('PermissionProjection', () => {
  it('folds org streams into org state and indexes active keys by hash', () => {
    const projection = new PermissionProjection();
    for (const event of orgEvents('o1')) projection.apply(event);
    expect(projection.org('o1')).toMatchObject({ exists: true, revision: 2, activeCount: 1 });
    expect(projection.authenticate('a'.repeat(64))).toEqual({ orgId: 'o1', keyId: 'k1', scope: 'admin' });
    expect(projection.position).toBe(position);
  });

  it('drops a revoked key from the index', () => {
    const projection = new PermissionProjection();
    for (const event of orgEvents('o2')) projection.apply(event);
    projection.apply(recorded('org-o2', 3, 'OrgKeyRevoked', { orgId: 'o2', at, keyId: 'k1' }, h(3), h(4)));
    expect(projection.authenticate('a'.repeat(64))).toBeUndefined();
  });

  it('advances its position over events of other streams without folding them', () => {
    const projection = new PermissionProjection();
    const other = recorded('decisions-n1', 0, 'PermissionDecided', {}, GENESIS_HASH, h(9));
    projection.apply(other);
    expect(projection.position).toBe(other.position);
    expect(projection.orgCount).toBe(0);
  });

  it('resolves position and revision waits once the event is applied', async () => {
    const projection = new PermissionProjection();
    const [created, key, registered] = orgEvents('o3');
    const byPosition = projection.waitForPosition(registered!.position);
    const byRevision = projection.waitForOrgRevision('o3', 1);
    let positionReached = false;
    void byPosition.then(() => (positionReached = true));
    projection.apply(created!);
    projection.apply(key!);
    await byRevision;
    expect(positionReached).toBe(false);
    projection.apply(registered!);
    await byPosition;
  });

  describe('when a stream breaks its hash chain', () => {
    it('fails, rejects waiters, and stays failed so callers fail closed', async () => {
      const projection = new PermissionProjection();
      const [created] = orgEvents('o4');
      projection.apply(created!);
      const waiting = projection.waitForPosition(position + 10n);
      const forged = recorded('org-o4', 1, 'DeviceRegistered', { orgId: 'o4', at, deviceId: 'x', labels: {} }, h(77), h(78));
      expect(() => projection.apply(forged)).toThrow(/hash chain/);
      await expect(waiting).rejects.toThrow(/hash chain/);
      expect(projection.failed).toBeInstanceOf(LedgerIntegrityError);
      expect(projection.failed).toMatchObject({ code: 'ledger_integrity', streamId: 'org-o4', revision: 1n, position: forged.position });
      expect(projection.org('o4')!.devices.has('x')).toBe(false);
    });
  });

  it('refuses a known event type whose payload is malformed, as a ledger integrity failure, and stays failed', () => {
    const projection = new PermissionProjection();
    const bad = recorded('org-o5', 0, 'OrgCreated', { orgId: 'o5', at, planTier: 'gold', limit: -1 }, GENESIS_HASH, h(5));
    let thrown: unknown;
    try {
      projection.apply(bad);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LedgerIntegrityError);
    expect(thrown).toMatchObject({
      code: 'ledger_integrity',
      message: 'org-o5@0: OrgCreated payload does not match its schema',
      streamId: 'org-o5',
      revision: 0n,
      position: bad.position,
    });
    expect(projection.failed).toBe(thrown);
    expect(projection.org('o5')?.exists ?? false).toBe(false);
  });

  it('ignores unknown event types but keeps their revision', () => {
    const projection = new PermissionProjection();
    const [created] = orgEvents('o6');
    projection.apply(created!);
    projection.apply(recorded('org-o6', 1, 'SomethingNew', { orgId: 'o6' }, h(1), h(2)));
    expect(projection.org('o6')!.revision).toBe(1);
    expect(projection.failed).toBeUndefined();
  });
});
