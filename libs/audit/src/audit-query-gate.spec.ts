import { AuditQueryGate } from './audit-query-gate';

describe('AuditQueryGate', () => {
  const gate = (perOrg: number, perNode: number, timeoutMs = 60_000) => new AuditQueryGate({ perOrg, perNode, timeoutMs });

  it('admits up to perOrg queries of one org, then refuses with too_many_queries', () => {
    const g = gate(2, 8);
    g.admit('acme');
    g.admit('acme');
    expect(() => g.admit('acme')).toThrow(expect.objectContaining({ kind: 'limited', code: 'too_many_queries' }));
    expect(g.admit('globex').orgId).toBe('globex');
  });

  it('admits up to perNode queries of all orgs together', () => {
    const g = gate(2, 3);
    g.admit('a');
    g.admit('b');
    g.admit('c');
    expect(() => g.admit('d')).toThrow(expect.objectContaining({ code: 'too_many_queries', message: expect.stringContaining('this node') }));
  });

  it('gives a place back once when a query ends, and aborts its signal', () => {
    const g = gate(1, 1);
    const query = g.admit('acme');
    query.end();
    query.end();
    expect(query.signal.aborted).toBe(true);
    expect(g.running()).toBe(0);
    g.admit('acme');
    expect(g.running('acme')).toBe(1);
  });

  it('aborts the signal with query_timeout at the deadline and gives the place back then', async () => {
    const g = gate(1, 1, 5);
    const query = g.admit('acme');
    await new Promise<void>((resolve) => query.signal.addEventListener('abort', () => resolve()));
    expect(query.signal.reason).toMatchObject({ kind: 'unavailable', code: 'query_timeout', message: expect.stringContaining('5 ms') });
    expect(g.running()).toBe(0);
    query.end();
    expect(g.running()).toBe(0);
  });
});
