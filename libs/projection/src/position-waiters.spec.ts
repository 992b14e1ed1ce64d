import { getEventListeners } from 'node:events';
import { PositionWaiters } from './position-waiters';

describe('PositionWaiters', () => {
  it('resolves a position wait once the position is reached, and keeps nothing after', async () => {
    const waiters = new PositionWaiters();
    const waiting = waiters.waitFor(5n);
    waiters.advance(4n);
    expect(waiters.size).toBe(1);
    waiters.advance(6n);
    await waiting;
    expect(waiters.size).toBe(0);
  });

  it('resolves at once when the position is already reached', async () => {
    const waiters = new PositionWaiters();
    waiters.advance(10n);
    await waiters.waitFor(10n);
    expect(waiters.size).toBe(0);
  });

  it('wakes only the waits whose position is reached, in any order of arrival', async () => {
    const waiters = new PositionWaiters();
    const woken: bigint[] = [];
    for (const target of [30n, 10n, 20n]) void waiters.waitFor(target).then(() => woken.push(target));
    waiters.advance(20n);
    await Promise.resolve();
    expect(woken.sort()).toEqual([10n, 20n]);
    expect(waiters.size).toBe(1);
    waiters.advance(30n);
    await Promise.resolve();
    expect(woken).toContain(30n);
    expect(waiters.size).toBe(0);
  });

  describe('when a wait is aborted (timed out, or its caller went away)', () => {
    it('rejects with the reason of the signal and removes the waiter', async () => {
      const waiters = new PositionWaiters();
      const controller = new AbortController();
      const waiting = waiters.waitFor(100n, controller.signal);
      expect(waiters.size).toBe(1);
      const reason = new Error('timed out');
      controller.abort(reason);
      await expect(waiting).rejects.toBe(reason);
      expect(waiters.size).toBe(0);
    });

    it('removes condition waits too', async () => {
      const waiters = new PositionWaiters();
      const controller = new AbortController();
      const waiting = waiters.waitUntil(() => false, controller.signal);
      controller.abort(new Error('gone'));
      await expect(waiting).rejects.toThrow('gone');
      expect(waiters.size).toBe(0);
    });

    it('is back to no waiter after any number of timed-out waits', async () => {
      const waiters = new PositionWaiters();
      waiters.advance(1n);
      const waits = Array.from({ length: 10_000 }, () => {
        const controller = new AbortController();
        const waiting = waiters.waitFor(9_223_372_036_854_775_807n, controller.signal);
        return { controller, waiting };
      });
      expect(waiters.size).toBe(10_000);
      for (const { controller } of waits) controller.abort(new Error('timed out'));
      await Promise.allSettled(waits.map(({ waiting }) => waiting));
      expect(waiters.size).toBe(0);
    });

    it('refuses a wait whose signal is already aborted, keeping nothing', async () => {
      const waiters = new PositionWaiters();
      await expect(waiters.waitFor(5n, AbortSignal.abort(new Error('late')))).rejects.toThrow('late');
      expect(waiters.size).toBe(0);
    });

    it('leaves the other waits in place', async () => {
      const waiters = new PositionWaiters();
      const controller = new AbortController();
      const abandoned = waiters.waitFor(5n, controller.signal);
      const kept = waiters.waitFor(5n);
      controller.abort(new Error('gone'));
      await expect(abandoned).rejects.toThrow('gone');
      waiters.advance(5n);
      await kept;
      expect(waiters.size).toBe(0);
    });
  });

  it('stops listening to the signal of a wait that resolved', async () => {
    const waiters = new PositionWaiters();
    const controller = new AbortController();
    const waiting = waiters.waitFor(2n, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    waiters.advance(2n);
    await waiting;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects every wait when the follower fails, and every later one', async () => {
    const waiters = new PositionWaiters();
    const byPosition = waiters.waitFor(5n, new AbortController().signal);
    const byCondition = waiters.waitUntil(() => false);
    const failure = new Error('feed stopped');
    waiters.fail(failure);
    await expect(byPosition).rejects.toBe(failure);
    await expect(byCondition).rejects.toBe(failure);
    await expect(waiters.waitFor(1n)).rejects.toBe(failure);
    expect(waiters.size).toBe(0);
  });
});
