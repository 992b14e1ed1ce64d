import { RateLimited, RegisterAllowance } from './register-allowance';

describe('RegisterAllowance', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('allows max registrations per key in a window, refuses the next with the time left, and starts over after the window', () => {
    const allowance = new RegisterAllowance(3, 60_000, clock);
    for (let i = 0; i < 3; i++) allowance.take('k');
    now += 20_000;
    let refused: unknown;
    try {
      allowance.take('k');
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(RateLimited);
    expect(refused).toMatchObject({ statusCode: 429, retryAfterSeconds: 40 });
    now += 40_000;
    expect(() => allowance.take('k')).not.toThrow();
  });

  it('counts each key on its own', () => {
    const allowance = new RegisterAllowance(1, 60_000, clock);
    allowance.take('a');
    expect(() => allowance.take('b')).not.toThrow();
    expect(() => allowance.take('a')).toThrow(RateLimited);
  });

  it('never refuses with max 0 (off)', () => {
    const allowance = new RegisterAllowance(0, 60_000, clock);
    for (let i = 0; i < 100; i++) allowance.take('k');
    expect(allowance.enabled).toBe(false);
  });

  it('keeps at most `capacity` keys, dropping the least recently started window', () => {
    const allowance = new RegisterAllowance(1, 60_000, clock, 2);
    allowance.take('a');
    allowance.take('b');
    allowance.take('c');
    expect(() => allowance.take('a')).not.toThrow();
    expect(() => allowance.take('c')).toThrow(RateLimited);
  });

  it('serves @fastify/rate-limit as one store shared by every route', () => {
    const allowance = new RegisterAllowance(5, 60_000, clock);
    const Store = allowance.asStore();
    const store = new Store({});
    const results: unknown[] = [];
    store.incr('k', (_error, result) => results.push(result), 60_000, 5);
    store.child({} as never).incr('k', (_error, result) => results.push(result), 60_000, 5);
    expect(results).toEqual([{ current: 1, ttl: 60_000 }, { current: 2, ttl: 60_000 }]);
    expect(allowance.use('k').current).toBe(3);
  });
});
