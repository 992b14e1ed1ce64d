import { PropagationTracker, type ObservedChange } from './propagation-tracker';
import { PropagationWaits } from './propagation-waits';

const AT = '2030-01-01T00:00:00.000Z';
const AT_MS = Date.parse(AT);

function message(position: number, deviceId: string | null, orgId = 'o1'): ObservedChange {
  return { orgId, deviceId, position: String(position), at: AT };
}

function setup(limits = { maxWaits: 10, maxWaitsPerOrg: 10 }) {
  const tracker = new PropagationTracker(() => true, { maxChanges: 100, ackDeadlineMs: 5000, liveWindowMs: 60_000 }, () => AT_MS);
  return { tracker, waits: new PropagationWaits(tracker, limits, () => AT_MS) };
}

const committed = (position: number, orgId = 'o1', more: number[] = []) => ({ orgId, positions: [...more, position].map(BigInt), committedAt: AT });

describe('PropagationWaits', () => {
  it('holds the answer until the relay pushed the change and every target acked', async () => {
    const { tracker, waits } = setup();
    let settled = false;
    const held = waits.await(committed(5), 30_000).then((answer) => ((settled = true), answer));
    tracker.observe([message(5, null), message(5, 'd1'), message(5, 'd2')]);
    tracker.recordAck(tracker.change('o1', '5'), 'd1', AT_MS + 5);
    await Promise.resolve();
    expect(settled).toBe(false);
    expect(waits.count).toBe(1);
    tracker.recordAck(tracker.change('o1', '5'), 'd2', AT_MS + 9);
    const { report, waited } = await held;
    expect(waited).toBe(true);
    expect(report).toMatchObject({ position: '5', targets: 2, acked: 2, pending: [], complete: true, ackLatencyMs: { max: 9 } });
    expect(waits.count).toBe(0);
  });

  it('answers after the timeout with the pending targets', async () => {
    jest.useFakeTimers();
    try {
      const { tracker, waits } = setup();
      tracker.observe([message(5, 'd1'), message(5, 'd2')]);
      tracker.recordAck(tracker.change('o1', '5'), 'd1', AT_MS + 5);
      const held = waits.await(committed(5), 1000);
      jest.advanceTimersByTime(1000);
      const { report } = await held;
      expect(report).toMatchObject({ targets: 2, acked: 1, pending: ['d2'], complete: false });
      expect(waits.count).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('lets go as soon as the client goes away', async () => {
    const { waits } = setup();
    const gone = new AbortController();
    const held = waits.await(committed(5), 30_000, gone.signal);
    gone.abort();
    expect((await held).report.complete).toBe(false);
    expect(waits.count).toBe(0);
  });

  it('holds a batch until the targets of every one of its positions acked, and reports them together', async () => {
    const { tracker, waits } = setup();
    const held = waits.await(committed(7, 'o1', [5, 6]), 30_000);
    tracker.observe([message(5, 'd1')]);
    tracker.observe([message(7, 'd3')]);
    tracker.recordAck(tracker.change('o1', '5'), 'd1', AT_MS + 1);
    tracker.recordAck(tracker.change('o1', '7'), 'd3', AT_MS + 2);
    expect(waits.current(committed(7, 'o1', [5, 6]))).toMatchObject({ targets: 2, acked: 2, complete: false });
    tracker.reached(7n);
    expect((await held).report).toMatchObject({ position: '7', targets: 2, acked: 2, pending: [], complete: true });
  });

  it('answers complete with no targets once the relay passed a position that changed no device', async () => {
    const { tracker, waits } = setup();
    const held = waits.await(committed(5), 30_000);
    tracker.reached(6n);
    expect((await held).report).toMatchObject({ position: '5', targets: 0, complete: true, committedAt: AT });
  });

  it("beyond the caps answers at once with the report as it stands; one org cannot take another's slots", async () => {
    const { tracker, waits } = setup({ maxWaits: 2, maxWaitsPerOrg: 1 });
    const gone = new AbortController();
    const first = waits.await(committed(5), 30_000, gone.signal);
    expect(await waits.await(committed(6), 30_000)).toEqual({ report: expect.objectContaining({ complete: false, targets: 0 }), waited: false });
    const other = waits.await(committed(7, 'o2'), 30_000, gone.signal);
    expect(waits.count).toBe(2);
    expect((await waits.await(committed(8, 'o3'), 30_000)).waited).toBe(false);
    gone.abort();
    await Promise.all([first, other]);
    tracker.reached(9n);
    expect(waits.count).toBe(0);
  });
});
