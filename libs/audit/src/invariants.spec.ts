import { DecisionCode } from '@warden/domain';
import { decisionsStream, orgStream } from '@warden/ledger';
import { auditFixture, normalUse, type AuditFixture } from './audit.fixture';
import { checkInvariants } from './invariants';

describe('checkInvariants', () => {
  let f: AuditFixture;
  let seq = 0;
  beforeEach(async () => {
    f = await auditFixture();
  });
  afterEach(() => f.dispose());

  const appendOrgEvent = (orgId: string, type: string, data: object) =>
    f.ledger.append(orgStream(orgId), [{ eventId: `e-${++seq}`, type, data: { orgId, at: f.now(), ...data }, metadata: { actor: 'admin', correlationId: 'x' } }], {
      expectedRevision: 'any',
    });

  describe('on a ledger produced by normal use, with a cap lowered below the active count', () => {
    it('finds no breach', async () => {
      await normalUse(f);
      const progress: number[] = [];
      const report = await checkInvariants(f.ledger, { onProgress: (events) => progress.push(events) });
      expect(report.breaches).toEqual([]);
      expect(report.chainBreaks).toEqual([]);
      expect(report).toMatchObject({ orgs: 2, decisions: 14 });
      expect(progress.at(-1)).toBe(report.events);
    });
  });

  describe('when registrations were written past the cap', () => {
    it('reports CAP_EXCEEDED at the first registration over it', async () => {
      await f.createOrg('acme', 2);
      await f.register('acme', 'd1');
      await f.register('acme', 'd2');
      const { position } = await appendOrgEvent('acme', 'DeviceRegistered', { deviceId: 'd3', labels: {} });
      const report = await checkInvariants(f.ledger);
      expect(report.breaches).toEqual([
        { kind: 'CAP_EXCEEDED', orgId: 'acme', deviceId: 'd3', position: position.toString(), detail: expect.stringContaining('2 active devices and a cap of 2') },
      ]);
    });

    it('reports a restore at the cap and a registration while suspended', async () => {
      await f.createOrg('acme', 1);
      await f.register('acme', 'd1');
      await f.revoke('acme', 'd1');
      await f.register('acme', 'd2');
      const restored = await appendOrgEvent('acme', 'DeviceRestored', { deviceId: 'd1', actor: 'admin' });
      await f.setLimit('acme', 5);
      await f.suspend('acme');
      const registered = await appendOrgEvent('acme', 'DeviceRegistered', { deviceId: 'd3', labels: {} });
      const report = await checkInvariants(f.ledger, { orgId: 'acme' });
      expect(report.breaches.map(({ kind, deviceId, position }) => ({ kind, deviceId, position }))).toEqual([
        { kind: 'CAP_EXCEEDED', deviceId: 'd1', position: restored.position.toString() },
        { kind: 'REGISTERED_WHILE_SUSPENDED', deviceId: 'd3', position: registered.position.toString() },
      ]);
    });
  });

  describe('when an ALLOW was recorded for a device the state denies', () => {
    it.each([
      ['ALLOW_REVOKED', async () => (await f.revoke('acme', 'd1')).state.revision],
      ['ALLOW_SUSPENDED', async () => (await f.suspend('acme')).state.revision],
      ['ALLOW_UNREGISTERED', async () => (await f.remove('acme', 'd1')).state.revision],
    ])('reports %s', async (kind, change) => {
      await f.createOrg('acme', 3);
      await f.register('acme', 'd1');
      const orgRevision = await change();
      const data = { decisionId: 'forged', orgId: 'acme', deviceId: 'd1', action: 'validate', allowed: true, code: DecisionCode.Allow, orgRevision, decidedAt: f.now() };
      const { position } = await f.ledger.append(decisionsStream('rogue'), [{ eventId: 'forged', type: 'PermissionDecided', data, metadata: { actor: 'k', correlationId: 'x' } }], {
        expectedRevision: 'any',
      });
      const report = await checkInvariants(f.ledger);
      expect(report.breaches).toEqual([expect.objectContaining({ kind, orgId: 'acme', deviceId: 'd1', position: position.toString() })]);
    });

    it('reports ALLOW_BEYOND_CAP for the newest device after a cap was lowered', async () => {
      await f.createOrg('acme', 2);
      await f.register('acme', 'd1');
      await f.register('acme', 'd2');
      const lowered = await f.setLimit('acme', 1);
      const data = { decisionId: 'forged', orgId: 'acme', deviceId: 'd2', action: 'validate', allowed: true, code: DecisionCode.Allow, orgRevision: lowered.state.revision, decidedAt: f.now() };
      await f.ledger.append(decisionsStream('rogue'), [{ eventId: 'forged', type: 'PermissionDecided', data, metadata: { actor: 'k', correlationId: 'x' } }], { expectedRevision: 'any' });
      const report = await checkInvariants(f.ledger);
      expect(report.breaches.map((b) => b.kind)).toEqual(['ALLOW_BEYOND_CAP']);
    });
  });
});
