import { decideValidation, WardenError } from '@warden/domain';
import { decisionsStream, orgStream } from '@warden/ledger';
import { PermissionProjection } from '@warden/projection';
import { FixedClock } from './clock.port';
import { ConsistencyWaits } from './consistency-waits';
import { ValidationService } from './validation.service';
import { AT, enforcementFixture } from './enforcement.fixture';

describe('ValidationService', () => {
  let f: Awaited<ReturnType<typeof enforcementFixture>>;

  beforeEach(async () => {
    f = await enforcementFixture();
  });
  afterEach(() => f.stop());

  it('answers ALLOW only with its decision on the record, at the org revision it was decided at', async () => {
    const principal = await f.createOrg('o1');
    await f.registration.register(principal, 'd1', {}, 'r0');
    const result = await f.validation.validate(principal, 'd1', 'req-1');
    expect(result.verdict).toEqual({ allowed: true, code: 'ALLOW' });
    const [record] = await f.memory.readStream(decisionsStream('test'));
    expect(record!.eventId).toBe('req-1');
    expect(record!.data).toMatchObject({ decisionId: 'req-1', orgId: 'o1', deviceId: 'd1', action: 'validate', allowed: true, code: 'ALLOW', orgRevision: 2 });
  });

  it('records denials too', async () => {
    const principal = await f.createOrg('o1');
    const result = await f.validation.validate(principal, 'ghost', 'req-2');
    expect(result.verdict.code).toBe('DEVICE_NOT_REGISTERED');
    expect((await f.memory.readStream(decisionsStream('test')))[0]!.data).toMatchObject({ decisionId: 'req-2', allowed: false });
  });

  describe('when the ledger cannot record the decision', () => {
    it('answers allowed: false with LEDGER_UNAVAILABLE, and ALLOW again once the ledger is back', async () => {
      const principal = await f.createOrg('o1');
      await f.registration.register(principal, 'd1', {}, 'r0');
      f.ledger.failAppends();
      expect((await f.validation.validate(principal, 'd1', 'req-3')).verdict).toEqual({ allowed: false, code: 'LEDGER_UNAVAILABLE' });
      f.ledger.heal();
      expect((await f.validation.validate(principal, 'd1', 'req-4')).verdict).toEqual({ allowed: true, code: 'ALLOW' });
      expect((await f.memory.readStream(decisionsStream('test'))).map((event) => event.eventId)).toEqual(['req-4']);
    });
  });

  describe('refused registrations', () => {
    it('are put on the record with the refusal code', async () => {
      const principal = await f.createOrg('o1', 0);
      const result = await f.registration.register(principal, 'd1', {}, 'req-5');
      expect(result.decision.refusal).toBe('LIMIT_EXCEEDED');
      expect((await f.memory.readStream(decisionsStream('test')))[0]!.data).toMatchObject({
        decisionId: 'req-5',
        action: 'register',
        allowed: false,
        code: 'LIMIT_EXCEEDED',
      });
    });
  });

  describe('when the projection has failed (its feed stopped on a corrupt ledger)', () => {
    it('answers allowed: false with LEDGER_UNAVAILABLE without deciding, and records nothing', async () => {
      const principal = await f.createOrg('o1');
      await f.registration.register(principal, 'd1', {}, 'r0');
      f.projection.fail(new WardenError('corrupt', 'ledger_integrity', 'hash chain broken'));
      const result = await f.validation.validate(principal, 'd1', 'req-6');
      expect(result.verdict).toEqual({ allowed: false, code: 'LEDGER_UNAVAILABLE' });
      expect(result.requestId).toBe('req-6');
      expect(await f.memory.readStream(decisionsStream('test'))).toEqual([]);
    });
  });

  describe('with a consistency token (settled by the caller first, once: validate does not wait again)', () => {
    /** Revokes d1 as another replica would: straight into the ledger, not through this node's commands. */
    async function revokedElsewhere(): Promise<bigint> {
      const data = { orgId: 'o1', at: AT, deviceId: 'd1', reason: 'elsewhere', actor: 'k' };
      const metadata = { actor: 'k', correlationId: 'c' };
      const { position } = await f.memory.append(orgStream('o1'), [{ eventId: 'ev-revoke', type: 'DeviceRevoked', data, metadata }], { expectedRevision: 2n });
      return position;
    }

    it('decides on a state that includes the command at the token once the caller has reached it', async () => {
      const principal = await f.createOrg('o1');
      await f.registration.register(principal, 'd1', {}, 'r0');
      // A lagging replica: its projection is fed by hand, and has not seen the revoke yet.
      const lagging = new PermissionProjection();
      for (const event of await f.memory.readAll()) lagging.apply(event);
      const validation = new ValidationService(lagging, f.recorder, new FixedClock(AT));
      const token = await revokedElsewhere();
      expect(decideValidation(lagging.org('o1'), 'd1', Date.parse(AT)).code).toBe('ALLOW');

      const reaching = new ConsistencyWaits(lagging, { waitMs: 5000, maxWaits: 10 }).reach(token);
      for (const event of await f.memory.readAll({ after: lagging.position! })) lagging.apply(event);
      await reaching;
      const result = await validation.validate(principal, 'd1', 'req-7');

      expect(result.verdict).toEqual({ allowed: false, code: 'DEVICE_REVOKED' });
      expect(result.position).toBe(token);
      expect((await f.memory.readStream(decisionsStream('test')))[0]!.data).toMatchObject({ decisionId: 'req-7', code: 'DEVICE_REVOKED', orgRevision: 3 });
    });

    it('never decides when the token is out of reach: not_caught_up comes first, and nothing is recorded', async () => {
      const principal = await f.createOrg('o1');
      const waits = new ConsistencyWaits(f.projection, { waitMs: 1, maxWaits: 10 });
      const settled = waits.reach(9_223_372_036_854_775_807n).then(() => f.validation.validate(principal, 'd1', 'req-8'));
      await expect(settled).rejects.toMatchObject({ code: 'not_caught_up' });
      expect(await f.memory.readStream(decisionsStream('test'))).toEqual([]);
      expect([waits.count, f.projection.waiting]).toEqual([0, 0]);
    });
  });
});
