import { auditFixture, type AuditFixture } from './audit.fixture';
import { deviceHistory, orgStateAt } from './time-travel';

describe('time travel', () => {
  let f: AuditFixture;
  beforeEach(async () => {
    f = await auditFixture();
  });
  afterEach(() => f.dispose());

  const deviceAt = async (at: Parameters<typeof orgStateAt>[2], deviceId: string) =>
    (await orgStateAt(f.ledger, 'acme', at)).devices.find((device) => device.deviceId === deviceId);

  describe('orgStateAt a time', () => {
    it('shows a device allowed before its revoke and revoked after it', async () => {
      await f.createOrg('acme', 3);
      await f.register('acme', 'd1');
      await f.validate('acme', 'd1');
      const before = f.now();
      await f.revoke('acme', 'd1');
      const after = f.now();
      expect(await deviceAt({ time: before }, 'd1')).toMatchObject({ status: 'active', allowed: true, code: 'ALLOW' });
      expect(await deviceAt({ time: after }, 'd1')).toMatchObject({ status: 'revoked', allowed: false, code: 'DEVICE_REVOKED' });
    });

    it('shows the org as not existing before it was created', async () => {
      await f.createOrg('acme', 3);
      const state = await orgStateAt(f.ledger, 'acme', { time: '2000-01-01T00:00:00.000Z' });
      expect(state).toMatchObject({ exists: false, position: undefined, revision: -1, devices: [] });
    });
  });

  describe('orgStateAt a position', () => {
    it('shows the newest device allowed before a cap was lowered and LIMIT_EXCEEDED after', async () => {
      await f.createOrg('acme', 2);
      await f.register('acme', 'd1');
      const registered = await f.register('acme', 'd2');
      const lowered = await f.setLimit('acme', 1);
      const beforeLowering = registered.position as bigint;
      const state = await orgStateAt(f.ledger, 'acme', { position: beforeLowering });
      expect(state).toMatchObject({ limit: 2, position: beforeLowering.toString() });
      expect(state.devices.map((d) => [d.deviceId, d.code])).toEqual([
        ['d1', 'ALLOW'],
        ['d2', 'ALLOW'],
      ]);
      const afterLowering = await orgStateAt(f.ledger, 'acme', { position: lowered.position as bigint });
      expect(afterLowering).toMatchObject({ limit: 1, planTier: 'custom', suspended: false });
      expect(afterLowering.devices.map((d) => [d.deviceId, d.allowed, d.code])).toEqual([
        ['d1', true, 'ALLOW'],
        ['d2', false, 'LIMIT_EXCEEDED'],
      ]);
    });

    it('throws not-found for an org that has no stream', async () => {
      await expect(orgStateAt(f.ledger, 'nobody', { position: 10n })).rejects.toMatchObject({ kind: 'not-found', code: 'org_not_found' });
    });
  });

  describe('deviceHistory', () => {
    it("lists the device's control events, the org-wide events and its decisions, in ledger order", async () => {
      await f.createOrg('acme', 3);
      await f.register('acme', 'd1');
      await f.register('acme', 'd2');
      await f.validate('acme', 'd1');
      await f.validate('acme', 'd2');
      await f.suspend('acme');
      await f.validate('acme', 'd1');
      await f.revoke('acme', 'd2');
      await f.resume('acme');
      await f.setLimit('acme', 5);
      await f.revoke('acme', 'd1');
      await f.validate('acme', 'd1');
      const history = await deviceHistory(f.ledger, 'acme', 'd1');
      expect(history.map((e) => [e.type, (e.data as { code?: string }).code])).toEqual([
        ['DeviceRegistered', undefined],
        ['PermissionDecided', 'ALLOW'],
        ['OrgSuspended', undefined],
        ['PermissionDecided', 'ORG_SUSPENDED'],
        ['OrgResumed', undefined],
        ['DeviceLimitSet', undefined],
        ['DeviceRevoked', undefined],
        ['PermissionDecided', 'DEVICE_REVOKED'],
      ]);
      const positions = history.map((e) => BigInt(e.position));
      expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
      expect(history.every((e) => typeof e.at === 'string' && e.at.length > 0)).toBe(true);
    });

    it("places the device's acks in ledger order, with what they acknowledge and who sent them, and leaves other devices' acks out", async () => {
      await f.createOrg('acme', 3);
      await f.createOrg('beta', 3);
      await f.register('acme', 'd1');
      await f.register('acme', 'd2');
      await f.register('beta', 'd1');
      const suspended = await f.suspend('acme');
      await f.ack('acme', 'd1', suspended.position as bigint, 'rt-key');
      await f.ack('acme', 'd2', suspended.position as bigint);
      await f.ack('beta', 'd1', suspended.position as bigint);
      await f.validate('acme', 'd1');
      const history = await deviceHistory(f.ledger, 'acme', 'd1');
      expect(history.map((e) => e.type)).toEqual(['DeviceRegistered', 'OrgSuspended', 'PermissionAcknowledged', 'PermissionDecided']);
      const ack = history[2]!;
      expect(ack).toMatchObject({ streamId: 'acks-node-a', revision: '0', actor: 'rt-key' });
      expect(ack.data).toEqual({
        orgId: 'acme',
        deviceId: 'd1',
        position: (suspended.position as bigint).toString(),
        receivedAt: ack.at,
        stoppedAt: ack.at,
        transport: 'sse',
        recordedAt: ack.at,
      });
      expect(BigInt(ack.position)).toBeGreaterThan(suspended.position as bigint);
    });

    it('includes a lock by labels that matched the device, not a lock that did not', async () => {
      await f.createOrg('acme', 3);
      await f.register('acme', 'd1', { team: 'red' });
      await f.register('acme', 'd2', { team: 'blue' });
      await f.lock('acme', 'l-red', { team: 'red' });
      await f.lock('acme', 'l-blue', { team: 'blue' });
      const history = await deviceHistory(f.ledger, 'acme', 'd1');
      expect(history.map((e) => [e.type, (e.data as { lockId?: string }).lockId])).toEqual([
        ['DeviceRegistered', undefined],
        ['LockPlaced', 'l-red'],
      ]);
    });

    it('refuses to show a history whose ack stream was tampered with', async () => {
      await f.createOrg('acme', 3);
      await f.register('acme', 'd1');
      const suspended = await f.suspend('acme');
      await f.ack('acme', 'd1', suspended.position as bigint);
      f.tamper(`UPDATE events SET data = replace(data, '"transport":"sse"', '"transport":"nats"') WHERE stream = (SELECT id FROM names WHERE value = 'acks-node-a')`);
      await expect(deviceHistory(f.ledger, 'acme', 'd1')).rejects.toMatchObject({ code: 'ledger_integrity', streamId: 'acks-node-a' });
    });
  });
});
