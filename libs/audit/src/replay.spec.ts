import { DecisionCode } from '@warden/domain';
import { DECISIONS_STREAM_PREFIX, decisionsStream } from '@warden/ledger';
import { auditFixture, normalUse, type AuditFixture } from './audit.fixture';
import { scanLedger } from './ledger-scan';
import { replayLedger } from './replay';

describe('replayLedger', () => {
  let f: AuditFixture;
  beforeEach(async () => {
    f = await auditFixture();
  });
  afterEach(() => f.dispose());

  describe('on a ledger produced by normal use', () => {
    it('re-decides every decision the same way and finds no chain break', async () => {
      await normalUse(f);
      const progress: number[] = [];
      const report = await replayLedger(f.ledger, { onProgress: (events) => progress.push(events) });
      expect(report.mismatches).toEqual([]);
      expect(report.chainBreaks).toEqual([]);
      expect(report.malformed).toEqual([]);
      expect(report.orgs).toBe(2);
      expect(report.decisions).toBe(14);
      const recorded = new Set<string>();
      for await (const event of scanLedger(f.ledger, { streamPrefixes: [DECISIONS_STREAM_PREFIX] })) {
        const data = event.data as { action: string; code: string };
        recorded.add(`${data.action}:${data.code}`);
      }
      expect([...recorded].sort()).toEqual([
        'register:DEVICE_REVOKED',
        'register:LIMIT_EXCEEDED',
        'register:ORG_SUSPENDED',
        'validate:ALLOW',
        'validate:DEVICE_NOT_REGISTERED',
        'validate:DEVICE_REVOKED',
        'validate:LIMIT_EXCEEDED',
        'validate:ORG_SUSPENDED',
      ]);
      expect(progress.at(-1)).toBe(report.events);
    });

    it('replays one org when asked', async () => {
      await normalUse(f);
      const report = await replayLedger(f.ledger, { orgId: 'beta' });
      expect(report).toMatchObject({ orgs: 1, decisions: 2, mismatches: [], chainBreaks: [] });
    });
  });

  describe('when a decision was forged', () => {
    it('reports one mismatch naming it', async () => {
      await f.createOrg('acme', 3);
      await f.register('acme', 'd1');
      const revoked = await f.revoke('acme', 'd1');
      const forged = {
        decisionId: 'forged-1',
        orgId: 'acme',
        deviceId: 'd1',
        action: 'validate',
        allowed: true,
        code: DecisionCode.Allow,
        orgRevision: revoked.state.revision,
        decidedAt: f.now(),
      };
      const { position } = await f.ledger.append(
        decisionsStream('rogue'),
        [{ eventId: 'forged-1', type: 'PermissionDecided', data: forged, metadata: { actor: 'k', correlationId: 'x' } }],
        { expectedRevision: 'any' },
      );
      const report = await replayLedger(f.ledger);
      expect(report.chainBreaks).toEqual([]);
      expect(report.mismatches).toEqual([
        {
          decisionId: 'forged-1',
          orgId: 'acme',
          deviceId: 'd1',
          position: position.toString(),
          orgRevision: revoked.state.revision,
          recorded: { allowed: true, code: 'ALLOW' },
          recomputed: { allowed: false, code: 'DEVICE_REVOKED' },
        },
      ]);
    });

    it('reports a decision at a revision the org never reached as ORG_REVISION_MISSING', async () => {
      await f.createOrg('acme', 3);
      const data = { decisionId: 'x', orgId: 'acme', deviceId: 'd', action: 'validate', allowed: false, code: 'DEVICE_NOT_REGISTERED', orgRevision: 99, decidedAt: f.now() };
      await f.ledger.append(decisionsStream('rogue'), [{ eventId: 'x', type: 'PermissionDecided', data, metadata: { actor: 'k', correlationId: 'x' } }], {
        expectedRevision: 'any',
      });
      const report = await replayLedger(f.ledger);
      expect(report.mismatches).toEqual([expect.objectContaining({ decisionId: 'x', recomputed: { allowed: false, code: 'ORG_REVISION_MISSING' } })]);
    });
  });
  describe('when a control event was deleted from the SQLite file', () => {
    it('reports the chain break and the decision made at the lost revision as ORG_REVISION_MISSING', async () => {
      await f.createOrg('acme', 3);
      const registered = await f.register('acme', 'd1');
      await f.validate('acme', 'd1');
      await f.register('acme', 'd2');
      await f.validate('acme', 'd2');
      f.tamper('DELETE FROM events WHERE position = ?', registered.position);
      const report = await replayLedger(f.ledger);
      expect(report.chainBreaks).toEqual([expect.objectContaining({ streamId: 'org-acme', revision: '3' })]);
      expect(report.mismatches).toEqual([
        expect.objectContaining({ deviceId: 'd1', orgRevision: 2, recorded: { allowed: true, code: 'ALLOW' }, recomputed: { allowed: false, code: 'ORG_REVISION_MISSING' } }),
      ]);
    });
  });
});
