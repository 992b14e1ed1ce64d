import { PropagationTracker, type ObservedChange } from './propagation-tracker';

const AT = '2030-01-01T00:00:00.000Z';
const AT_MS = Date.parse(AT);

function message(position: number, deviceId: string | null, orgId = 'o1'): ObservedChange {
  return { orgId, deviceId, position: String(position), at: AT };
}

function tracker(live: readonly string[] = [], options: { maxChanges?: number; now?: number } = {}) {
  const now = options.now ?? AT_MS;
  return new PropagationTracker((_orgId, deviceId) => live.includes(deviceId), { maxChanges: options.maxChanges ?? 100, ackDeadlineMs: 5000, liveWindowMs: 60_000 }, () => now);
}

describe('PropagationTracker', () => {
  describe('when the relay processes a change', () => {
    it('targets the changed devices that are live, and ignores a retried publish', () => {
      const t = tracker(['d1']);
      t.observe([message(5, null), message(5, 'd1'), message(5, 'd2')]);
      t.observe([message(5, 'd1'), message(5, 'd2')]);
      const change = t.change('o1', '5');
      expect([...change.changed]).toEqual(['d1', 'd2']);
      expect([...change.targets]).toEqual(['d1']);
    });

    it('counts a validation within the live window as a sign of life, an older one not', () => {
      const t = tracker([], { now: AT_MS });
      t.seen('o1', 'recent', AT_MS - 59_000);
      t.seen('o1', 'old', AT_MS - 61_000);
      t.observe([message(5, 'recent'), message(5, 'old')]);
      expect([...t.change('o1', '5').targets]).toEqual(['recent']);
    });
  });

  describe('when an ack arrives', () => {
    it('answers the change that touched the device', () => {
      const t = tracker();
      t.observe([message(5, 'd1')]);
      expect(t.expect('o1', 'd1', '5').position).toBe('5');
    });

    it('refuses with ack_not_expected a known position that did not change the device', () => {
      const t = tracker();
      t.observe([message(5, 'd1'), message(6, 'd2')]);
      expect(() => t.expect('o1', 'd2', '5')).toThrow(expect.objectContaining({ code: 'ack_not_expected' }));
      expect(() => t.expect('o1', 'd1', '6')).toThrow(expect.objectContaining({ code: 'ack_not_expected' }));
    });

    it('refuses with change_not_known a position before the start, after the newest, or forgotten', () => {
      const t = tracker([], { maxChanges: 2 });
      t.startAfter(3n);
      t.observe([message(5, 'd1'), message(6, 'd1'), message(7, 'd1')]);
      for (const position of ['2', '3', '5', '8']) {
        expect(() => t.expect('o1', 'd1', position)).toThrow(expect.objectContaining({ code: 'change_not_known' }));
      }
      expect(t.expect('o1', 'd1', '6').position).toBe('6');
      expect(() => t.change('o1', '5')).toThrow(expect.objectContaining({ code: 'change_not_known' }));
    });

    it("keeps orgs apart: another org's change is not known to this org", () => {
      const t = tracker();
      t.observe([message(5, 'd1', 'o2')]);
      expect(() => t.change('o1', '5')).toThrow(expect.objectContaining({ code: 'change_not_known' }));
    });
  });

  describe('report', () => {
    it('lists pending targets, lagging ones only past the deadline, and latencies of the acks', () => {
      const t = tracker(['d1', 'd2', 'd3']);
      t.observe([message(5, 'd1'), message(5, 'd2'), message(5, 'd3')]);
      const change = t.change('o1', '5');
      change.acks.set('d1', AT_MS + 10);
      change.acks.set('d2', AT_MS + 30);
      expect(t.report(change, AT_MS + 4999)).toMatchObject({ targets: 3, acked: 2, pending: ['d3'], lagging: [], complete: false, ackLatencyMs: { p50: 10, max: 30 } });
      expect(t.report(change, AT_MS + 5000)).toMatchObject({ pending: ['d3'], lagging: ['d3'] });
      change.acks.set('d3', AT_MS + 20);
      expect(t.report(change, AT_MS + 6000)).toMatchObject({ acked: 3, pending: [], lagging: [], complete: true, ackLatencyMs: { p50: 20, p90: 30, p99: 30, max: 30 } });
    });
  });

  describe('lagging by org', () => {
    it('counts distinct unacked targets past the deadline and within the horizon, per org', () => {
      const t = tracker(['d1', 'd2', 'd3']);
      t.observe([message(5, 'd1'), message(5, 'd2')]);
      t.observe([message(6, 'd1')]);
      t.observe([message(7, 'd3', 'o2')]);
      t.recordAck(t.change('o1', '5'), 'd2', AT_MS + 10);
      expect(t.laggingByOrg(AT_MS + 4999, 60_000).size).toBe(0);
      expect(Object.fromEntries(t.laggingByOrg(AT_MS + 5000, 60_000))).toEqual({ o1: 1, o2: 1 });
      expect(t.laggingByOrg(AT_MS + 60_001, 60_000).size).toBe(0);
    });
  });

  describe('listeners', () => {
    it("are told of the org's changes observed and acked, and of the relay's progress, until they unsubscribe", () => {
      const t = tracker(['d1']);
      const heard: string[] = [];
      const stop = t.listen('o1', () => heard.push('o1'));
      t.listen('o2', () => heard.push('o2'));
      const stopProgress = t.onProgress(() => heard.push('progress'));
      t.observe([message(5, 'd1')]);
      t.recordAck(t.change('o1', '5'), 'd1', AT_MS + 3);
      t.recordAck(t.change('o1', '5'), 'd1', AT_MS + 4);
      stop();
      t.observe([message(6, 'd1')]);
      t.reached(9n);
      t.reached(8n);
      stopProgress();
      t.reached(10n);
      expect(heard).toEqual(['o1', 'o1', 'progress']);
      expect(t.change('o1', '5').acks.get('d1')).toBe(AT_MS + 3);
      expect(t.hasHandled(10n)).toBe(true);
      expect(t.hasHandled(11n)).toBe(false);
    });

    it('reports the latency of each acked target once', () => {
      const latencies: number[] = [];
      const t = new PropagationTracker(() => true, { maxChanges: 10, ackDeadlineMs: 5000, liveWindowMs: 1000 }, () => AT_MS, (_org, ms) => latencies.push(ms));
      t.observe([message(5, 'd1')]);
      t.recordAck(t.change('o1', '5'), 'd1', AT_MS + 42);
      t.recordAck(t.change('o1', '5'), 'd1', AT_MS + 50);
      expect(latencies).toEqual([42]);
    });
  });
});
