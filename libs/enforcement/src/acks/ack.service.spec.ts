import { FixedClock } from '../clock.port';
import { RandomIdSource } from '../id-source.port';
import { DecisionRecorder } from '../decision-recorder';
import { AT, enforcementFixture } from '../enforcement.fixture';
import { AckService } from './ack.service';
import { PropagationTracker } from './propagation-tracker';

describe('AckService', () => {
  let f: Awaited<ReturnType<typeof enforcementFixture>>;
  let tracker: PropagationTracker;
  let acks: AckService;
  const receivedAt = AT;

  beforeEach(async () => {
    f = await enforcementFixture();
    const principal = await f.createOrg('o1');
    await f.registration.register(principal, 'd1', {}, 'r0');
    tracker = new PropagationTracker(() => true, { maxChanges: 100, ackDeadlineMs: 5000, liveWindowMs: 60_000 });
    tracker.observe([{ orgId: 'o1', deviceId: 'd1', position: '7', at: AT }]);
    acks = new AckService(f.projection, tracker, new DecisionRecorder(f.ledger, 'acks-test'), new FixedClock(AT), new RandomIdSource());
  });
  afterEach(() => f.stop());

  const records = async () => (await f.memory.readStream('acks-test')).filter((event) => event.type === 'PermissionAcknowledged');

  it('records the ack once durable, and a repeat (even one sent while the first is written) not again', async () => {
    const [first, second] = await Promise.all([
      acks.ack('o1', 'k', { deviceId: 'd1', position: '7', receivedAt, transport: 'sse' }),
      acks.ack('o1', 'k', { deviceId: 'd1', position: '7', receivedAt }),
    ]);
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(await acks.ack('o1', 'k', { deviceId: 'd1', position: '7', receivedAt })).toMatchObject({ duplicate: true });
    const stored = await records();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.data).toEqual({ orgId: 'o1', deviceId: 'd1', position: '7', receivedAt, stoppedAt: null, transport: 'sse', recordedAt: AT });
    expect(tracker.report(tracker.change('o1', '7'), Date.parse(AT)).complete).toBe(true);
  });

  it('answers device_not_found for a device its org does not have', async () => {
    await expect(acks.ack('o2', 'k', { deviceId: 'd1', position: '7', receivedAt })).rejects.toMatchObject({ code: 'device_not_found' });
  });

  it('counts nothing when the ledger cannot take the record, and takes a later try', async () => {
    f.ledger.failAppends();
    await expect(acks.ack('o1', 'k', { deviceId: 'd1', position: '7', receivedAt })).rejects.toMatchObject({ code: 'ledger_unavailable' });
    expect(tracker.change('o1', '7').acks.size).toBe(0);
    f.ledger.heal();
    expect(await acks.ack('o1', 'k', { deviceId: 'd1', position: '7', receivedAt })).toMatchObject({ duplicate: false });
    expect(await records()).toHaveLength(1);
  });
});
