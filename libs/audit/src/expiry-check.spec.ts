import { DecisionCode } from '@warden/domain';
import { decisionsStream } from '@warden/ledger';
import { auditFixture, type AuditFixture } from './audit.fixture';
import { checkInvariants } from './invariants';
import { replayLedger } from './replay';

describe('lease expiries and locks on the record', () => {
  let f: AuditFixture;
  beforeEach(async () => {
    f = await auditFixture();
    await f.createOrg('acme', 5);
    await f.leases('acme', 10);
    await f.register('acme', 'd1');
  });
  afterEach(() => f.dispose());

  async function forgeAllow(deviceId: string, orgRevision: number): Promise<bigint> {
    const data = { decisionId: `forged-${deviceId}`, orgId: 'acme', deviceId, action: 'validate', allowed: true, code: DecisionCode.Allow, orgRevision, decidedAt: f.now() };
    const metadata = { actor: 'k', correlationId: 'x' };
    const result = await f.ledger.append(decisionsStream('rogue'), [{ eventId: data.decisionId, type: 'PermissionDecided', data, metadata }], { expectedRevision: 'any' });
    return result.position;
  }

  describe('audit replay', () => {
    it('re-derives an expiry after a lapse of every sign of life', async () => {
      await f.validate('acme', 'd1');
      const lastSeenAt = f.now();
      f.advance(20);
      await f.expire('acme', 'd1', lastSeenAt);
      expect(await f.validate('acme', 'd1')).toEqual({ allowed: false, code: DecisionCode.LeaseExpired });
      const report = await replayLedger(f.ledger);
      expect(report.unjustifiedExpiries).toEqual([]);
      expect(report.mismatches).toEqual([]);
    });

    it('names an expiry that a recorded validation within the TTL contradicts', async () => {
      const staleLastSeen = f.now();
      f.advance(20);
      await f.validate('acme', 'd1');
      const expiry = await f.expire('acme', 'd1', staleLastSeen);
      const report = await replayLedger(f.ledger);
      expect(report.unjustifiedExpiries).toEqual([
        expect.objectContaining({ orgId: 'acme', deviceId: 'd1', position: expiry.position!.toString(), detail: expect.stringContaining('a validate') }),
      ]);
    });
  });

  describe('audit invariants', () => {
    it('finds no breach on honest use of leases and locks', async () => {
      await f.register('acme', 'd2');
      await f.lock('acme', 'L1', { team: 'x' });
      await f.validate('acme', 'd1');
      const report = await checkInvariants(f.ledger);
      expect(report.breaches).toEqual([]);
    });

    it('reports an ALLOW recorded between an expiry and the next registration as ALLOW_EXPIRED', async () => {
      const lastSeenAt = f.now();
      f.advance(20);
      const expired = await f.expire('acme', 'd1', lastSeenAt);
      const position = await forgeAllow('d1', expired.state.revision);
      await f.register('acme', 'd1');
      expect(await f.validate('acme', 'd1')).toEqual({ allowed: true, code: DecisionCode.Allow });
      const report = await checkInvariants(f.ledger);
      expect(report.breaches).toEqual([expect.objectContaining({ kind: 'ALLOW_EXPIRED', deviceId: 'd1', position: position.toString() })]);
    });

    it('reports an ALLOW recorded for a locked device as ALLOW_LOCKED', async () => {
      await f.register('acme', 'pay-1', { team: 'payments' });
      const locked = await f.lock('acme', 'L1', { team: 'payments' });
      expect(await f.validate('acme', 'pay-1')).toEqual({ allowed: false, code: DecisionCode.DeviceLocked });
      const position = await forgeAllow('pay-1', locked.state.revision);
      const report = await checkInvariants(f.ledger);
      expect(report.breaches).toEqual([expect.objectContaining({ kind: 'ALLOW_LOCKED', deviceId: 'pay-1', position: position.toString() })]);
    });
  });
});
