import { decisionsStream } from '@warden/ledger';
import { enforcementFixture } from './enforcement.fixture';

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
});
