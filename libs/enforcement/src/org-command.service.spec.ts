import { orgStream } from '@warden/ledger';
import { AT, enforcementFixture } from './enforcement.fixture';

describe('OrgCommandService', () => {
  let f: Awaited<ReturnType<typeof enforcementFixture>>;

  beforeEach(async () => {
    f = await enforcementFixture();
  });
  afterEach(() => f.stop());

  it('answers only once the projection shows the new events (read-your-writes)', async () => {
    const principal = await f.createOrg('o1');
    await f.registration.register(principal, 'd1', {}, 'r1');
    const revoke = f.commands.execute({ ...f.command, type: 'RevokeDevices', orgId: 'o1', data: { deviceIds: ['d1'], reason: '' } }, { correlationId: 'c' });
    const result = await revoke;
    expect(f.projection.org('o1')!.devices.get('d1')!.status).toBe('revoked');
    expect(f.projection.position).toBe(result.position);
  });

  it('appends nothing for a command that changes nothing', async () => {
    await f.createOrg('o1');
    const calls = f.ledger.appendCalls;
    await f.commands.execute({ ...f.command, type: 'ResumeOrg', orgId: 'o1', data: {} }, { correlationId: 'c' });
    expect(f.ledger.appendCalls).toBe(calls);
  });

  describe('when another replica wrote to the org stream first', () => {
    it('catches up, decides again against the new state, and so never exceeds the cap', async () => {
      const principal = await f.createOrg('o1', 1);
      f.ledger.onceBeforeAppend(async () => {
        const revision = BigInt(f.projection.org('o1')!.revision);
        await f.memory.append(
          orgStream('o1'),
          [{ eventId: 'other-replica', type: 'DeviceRegistered', data: { orgId: 'o1', at: AT, deviceId: 'elsewhere', labels: {} }, metadata: { actor: 'k', correlationId: 'x' } }],
          { expectedRevision: revision },
        );
      });

      const result = await f.registration.register(principal, 'here', {}, 'r1');

      expect(result.decision.outcomes).toEqual([{ deviceId: 'here', outcome: 'limit_reached' }]);
      expect(f.ledger.appendCalls).toBeGreaterThanOrEqual(2);
      const registered = (await f.memory.readStream(orgStream('o1'))).filter((event) => event.type === 'DeviceRegistered');
      expect(registered.map((event) => (event.data as { deviceId: string }).deviceId)).toEqual(['elsewhere']);
    });
  });

  it('admits exactly the cap out of concurrent registrations of one org', async () => {
    const principal = await f.createOrg('o1', 10);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => f.registration.register(principal, `d${i}`, {}, `r${i}`)));
    expect(results.filter((result) => result.decision.outcomes[0]!.outcome === 'registered')).toHaveLength(10);
    expect(f.projection.org('o1')!.activeCount).toBe(10);
  });

  it('surfaces a ledger failure as LedgerUnavailableError and writes nothing', async () => {
    const principal = await f.createOrg('o1');
    f.ledger.failAppends();
    await expect(f.registration.register(principal, 'd1', {}, 'r1')).rejects.toMatchObject({ code: 'ledger_unavailable' });
    f.ledger.heal();
    expect(f.projection.org('o1')!.devices.size).toBe(0);
  });
});
