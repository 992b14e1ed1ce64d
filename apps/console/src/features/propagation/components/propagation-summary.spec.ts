import { isFinal, type Propagation } from '../api/propagation-state';
import { latencyText, propagationSummary } from './propagation-summary';

const report = (changes: Partial<Propagation>): Propagation => ({
  position: '42',
  eventType: 'OrgSuspended',
  committedAt: '2026-11-29T07:00:00.000Z',
  targets: 3,
  acked: 1,
  pending: ['b', 'c'],
  lagging: [],
  complete: false,
  ackLatencyMs: { p50: 12, p90: 12, p99: 12, max: 12 },
  ...changes,
});

describe('the propagation report, as the console reads it', () => {
  it('is in progress while targets are pending before the deadline', () => {
    expect(isFinal(report({}))).toBe(false);
    expect(propagationSummary(report({}))).toBe('In progress: 1 of 3 live runtimes acknowledged, 2 pending.');
  });

  it('is final once complete', () => {
    const done = report({ acked: 3, pending: [], complete: true });
    expect(isFinal(done)).toBe(true);
    expect(propagationSummary(done)).toBe('Complete: 3 of 3 live runtimes acknowledged.');
  });

  it('is final once the deadline passed: lagging is then every pending target', () => {
    const late = report({ lagging: ['b', 'c'] });
    expect(isFinal(late)).toBe(true);
    expect(propagationSummary(late)).toBe('Deadline passed: 1 of 3 live runtimes acknowledged, 2 lagging.');
  });

  it('is complete at once when no live runtime was affected', () => {
    const none = report({ targets: 0, acked: 0, pending: [], complete: true, ackLatencyMs: { p50: null, p90: null, p99: null, max: null } });
    expect(isFinal(none)).toBe(true);
    expect(propagationSummary(none)).toBe('Complete: no live runtime was affected, nothing to acknowledge.');
  });

  it('speaks of one runtime in the singular, and shows a missing latency as a dash', () => {
    expect(propagationSummary(report({ targets: 1, acked: 1, pending: [], complete: true }))).toBe('Complete: 1 of 1 live runtime acknowledged.');
    expect(latencyText(null)).toBe('—');
    expect(latencyText(7)).toBe('7 ms');
  });
});
