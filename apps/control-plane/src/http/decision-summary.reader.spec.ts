import { decisionsStream, InMemoryEventLedger, orgStream } from '@warden/ledger';
import { AUDIT_PAGE_ROWS } from '@warden/audit';
import { DecisionSummaryReader } from './decision-summary.reader';

const T0 = Date.parse('2030-01-01T10:00:00.000Z');
const MINUTE = 60_000;

describe('DecisionSummaryReader', () => {
  let ledger: InMemoryEventLedger;
  let now: number;
  let seq = 0;

  beforeEach(() => {
    ledger = new InMemoryEventLedger();
    now = T0 + 14 * MINUTE + 30_000;
  });

  async function decided(orgId: string, code: string, at: number, node = 'n1'): Promise<void> {
    const data = { decisionId: `d${++seq}`, orgId, deviceId: 'dev', action: 'validate', allowed: code === 'ALLOW', code, orgRevision: 0, decidedAt: new Date(at).toISOString() };
    await ledger.append(decisionsStream(node), [{ eventId: `e${seq}`, type: 'PermissionDecided', data, metadata: { actor: 'k', correlationId: `c${seq}` } }], { expectedRevision: 'any' });
  }

  it("counts one org's decisions per minute and code, the current minute last, zeros included", async () => {
    await decided('o1', 'ALLOW', T0 + 1000);
    await decided('o1', 'ALLOW', T0 + 2000, 'n2');
    await decided('o1', 'DEVICE_REVOKED', T0 + 14 * MINUTE + 5000);
    await decided('o2', 'ALLOW', T0 + 14 * MINUTE);
    await ledger.append(orgStream('o1'), [{ eventId: 'x', type: 'OrgCreated', data: { orgId: 'o1' }, metadata: { actor: 'admin', correlationId: 'x' } }], { expectedRevision: 'any' });

    const summary = await new DecisionSummaryReader(ledger, () => now).summary('o1', 15);

    expect(summary).toMatchObject({ minutes: 15, from: '2030-01-01T10:00:00.000Z', to: '2030-01-01T10:15:00.000Z', complete: true });
    expect(summary.buckets).toHaveLength(15);
    expect(summary.buckets[0]).toEqual({ at: '2030-01-01T10:00:00.000Z', counts: { ALLOW: 2 } });
    expect(summary.buckets.slice(1, 14).every((bucket) => Object.keys(bucket.counts).length === 0)).toBe(true);
    expect(summary.buckets[14]).toEqual({ at: '2030-01-01T10:14:00.000Z', counts: { DEVICE_REVOKED: 1 } });
  });

  it('reads on from where it stopped: later decisions are added, earlier ones are not counted twice', async () => {
    const reader = new DecisionSummaryReader(ledger, () => now);
    await decided('o1', 'ALLOW', T0 + 14 * MINUTE);
    await reader.summary('o1', 1);
    await decided('o1', 'ALLOW', T0 + 14 * MINUTE + 1000);
    expect((await reader.summary('o1', 1)).buckets).toEqual([{ at: '2030-01-01T10:14:00.000Z', counts: { ALLOW: 2 } }]);
  });

  it('drops minutes older than an hour as time passes', async () => {
    const reader = new DecisionSummaryReader(ledger, () => now);
    await decided('o1', 'ALLOW', T0);
    expect((await reader.summary('o1', 15)).buckets[0]!.counts).toEqual({ ALLOW: 1 });
    now += 61 * MINUTE;
    expect((await reader.summary('o1', 60)).buckets.every((bucket) => Object.keys(bucket.counts).length === 0)).toBe(true);
  });

  it('reads at most its budget per request, answers complete: false, and catches up on the next requests', async () => {
    for (let i = 0; i < 7; i++) await decided('o1', 'ALLOW', T0 + 14 * MINUTE);
    const reader = new DecisionSummaryReader(ledger, () => now, { scanPage: 2, scanBudget: 4 });
    const first = await reader.summary('o1', 1);
    expect([first.complete, first.buckets[0]!.counts]).toEqual([false, { ALLOW: 4 }]);
    const second = await reader.summary('o1', 1);
    expect([second.complete, second.buckets[0]!.counts]).toEqual([true, { ALLOW: 7 }]);
  });

  it('shares one read between concurrent requests', async () => {
    await decided('o1', 'ALLOW', T0 + 14 * MINUTE);
    const reader = new DecisionSummaryReader(ledger, () => now);
    const readAll = jest.spyOn(ledger, 'readAll');
    const [a, b] = await Promise.all([reader.summary('o1', 1), reader.summary('o1', 1)]);
    expect(readAll).toHaveBeenCalledTimes(1);
    expect(a.buckets).toEqual(b.buckets);
  });

  it("reads in the audit reads' pages, not in pages of thousands", async () => {
    for (let i = 0; i < 70; i++) await decided('o1', 'ALLOW', T0 + 14 * MINUTE);
    const reader = new DecisionSummaryReader(ledger, () => now);
    const readAll = jest.spyOn(ledger, 'readAll');
    expect((await reader.summary('o1', 1)).buckets[0]!.counts).toEqual({ ALLOW: 70 });
    expect(readAll.mock.calls.map(([options]) => options?.limit)).toEqual([AUDIT_PAGE_ROWS, AUDIT_PAGE_ROWS]);
  });

  it('stops waiting when its audit query is stopped, and the shared read still serves the next request', async () => {
    for (let i = 0; i < 200; i++) await decided('o1', 'DEVICE_REVOKED', T0 + 14 * MINUTE);
    const reader = new DecisionSummaryReader(ledger, () => now);
    const query = new AbortController();
    const stopped = reader.summary('o1', 1, query.signal);
    query.abort(new Error('query_timeout'));
    await expect(stopped).rejects.toThrow('query_timeout');
    expect((await reader.summary('o1', 1)).buckets[0]!.counts).toEqual({ DEVICE_REVOKED: 200 });
  });
});
