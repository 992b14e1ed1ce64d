import { auditFixture, type AuditFixture } from './audit.fixture';
import { replayLedger } from './replay';

describe('replay checks every recorded ack', () => {
  let f: AuditFixture;
  beforeEach(async () => {
    f = await auditFixture();
  });
  afterEach(() => f.dispose());

  const at = (result: { position?: bigint }) => result.position as bigint;

  it('finds nothing wrong with acks of the devices each change touched (revoke, suspend, resume, cap lowered, lock)', async () => {
    await f.createOrg('acme', 3);
    for (const id of ['d1', 'd2', 'd3']) await f.register('acme', id, { team: id === 'd3' ? 'red' : 'blue' });
    const revoked = at(await f.revoke('acme', 'd1'));
    await f.ack('acme', 'd1', revoked);
    const suspended = at(await f.suspend('acme'));
    await f.ack('acme', 'd2', suspended);
    await f.ack('acme', 'd3', suspended);
    const resumed = at(await f.resume('acme'));
    await f.ack('acme', 'd2', resumed);
    const lowered = at(await f.setLimit('acme', 1));
    await f.ack('acme', 'd3', lowered);
    const locked = at(await f.lock('acme', 'l1', { team: 'blue' }));
    await f.ack('acme', 'd2', locked);
    await f.ack('acme', 'd2', locked);
    const report = await replayLedger(f.ledger);
    expect(report).toMatchObject({ acks: 7, unexpectedAcks: [], mismatches: [], chainBreaks: [], malformed: [] });
  });

  it('names an ack for a change that did not touch the device, one for a decision record, one for another org’s event and one for a position past the ledger', async () => {
    await f.createOrg('acme', 3);
    await f.createOrg('beta', 3);
    await f.register('acme', 'd1');
    await f.register('acme', 'd2');
    await f.register('beta', 'b1');
    const revoked = at(await f.revoke('acme', 'd1'));
    await f.validate('acme', 'd2');
    const decision = (await f.ledger.headPosition()) as bigint;
    const betaRevoked = at(await f.revoke('beta', 'b1'));
    await f.ack('acme', 'd1', revoked);
    await f.ack('acme', 'd2', revoked);
    await f.ack('acme', 'd2', decision);
    await f.ack('acme', 'd1', betaRevoked);
    await f.ack('acme', 'd1', 999_999n);
    const report = await replayLedger(f.ledger);
    expect(report.acks).toBe(5);
    const acks = await f.ledger.readStream('acks-node-a');
    expect(report.unexpectedAcks).toEqual([
      {
        orgId: 'acme',
        deviceId: 'd2',
        streamId: 'acks-node-a',
        revision: '1',
        position: acks[1]!.position.toString(),
        ackedPosition: revoked.toString(),
        detail: `ack of d2 (org acme) for position ${revoked}: the DeviceRevoked at ${revoked} did not change the permission of d2`,
      },
      expect.objectContaining({ revision: '2', deviceId: 'd2', ackedPosition: decision.toString(), detail: expect.stringContaining(`position ${decision} is no control event of org acme`) }),
      expect.objectContaining({ revision: '3', deviceId: 'd1', ackedPosition: betaRevoked.toString(), detail: expect.stringContaining('is no control event of org acme') }),
      expect.objectContaining({ revision: '4', deviceId: 'd1', ackedPosition: '999999', detail: expect.stringContaining('is no control event of org acme') }),
    ]);
    expect(report.mismatches).toEqual([]);
  });

  it('names an ack that acknowledges a change recorded after it', async () => {
    await f.createOrg('acme', 3);
    await f.register('acme', 'd1');
    const head = (await f.ledger.headPosition()) as bigint;
    await f.ack('acme', 'd1', head + 2n);
    const revoked = at(await f.revoke('acme', 'd1'));
    expect(revoked).toBe(head + 2n);
    const report = await replayLedger(f.ledger);
    expect(report.unexpectedAcks).toEqual([expect.objectContaining({ deviceId: 'd1', ackedPosition: revoked.toString(), detail: expect.stringContaining('recorded after the ack') })]);
  });

  it('reports a malformed ack record and checks only the acks of the org asked for', async () => {
    await f.createOrg('acme', 3);
    await f.createOrg('beta', 3);
    await f.register('acme', 'd1');
    await f.register('beta', 'b1');
    const revoked = at(await f.revoke('acme', 'd1'));
    await f.ack('acme', 'd1', revoked);
    await f.ack('beta', 'b1', revoked);
    await f.ack('acme', 'd1', 'not-a-position' as never);
    const beta = await replayLedger(f.ledger, { orgId: 'beta' });
    expect(beta.acks).toBe(1);
    expect(beta.unexpectedAcks).toEqual([expect.objectContaining({ orgId: 'beta', deviceId: 'b1' })]);
    const all = await replayLedger(f.ledger);
    expect(all.acks).toBe(2);
    expect(all.malformed).toEqual([expect.objectContaining({ streamId: 'acks-node-a', reason: expect.stringContaining('PermissionAcknowledged payload does not match') })]);
  });
});
