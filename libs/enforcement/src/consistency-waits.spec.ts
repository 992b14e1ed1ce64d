import { WardenError } from '@warden/domain';
import { PermissionProjection } from '@warden/projection';
import { ConsistencyWaits } from './consistency-waits';

const FAR = 9_223_372_036_854_775_807n;

/** An event at `position` of a stream the projection does not fold: it only moves its position. */
function eventAt(position: bigint) {
  const metadata = { actor: 'a', correlationId: 'c', prevHash: '', hash: '' };
  return { streamId: 'decisions-n', revision: position, position, eventId: `e${position}`, type: 'PermissionDecided', data: {}, metadata };
}

function projectionAt(position: bigint): PermissionProjection {
  const projection = new PermissionProjection();
  projection.apply(eventAt(position));
  return projection;
}

describe('ConsistencyWaits', () => {
  it('resolves at once, waiting for nothing, when the projection is already there', async () => {
    const projection = projectionAt(7n);
    const waits = new ConsistencyWaits(projection, { waitMs: 1000, maxWaits: 0 });
    await waits.reach(7n);
    expect([waits.count, projection.waiting]).toEqual([0, 0]);
  });

  it('resolves once the projection reaches the position', async () => {
    const projection = projectionAt(1n);
    const waits = new ConsistencyWaits(projection, { waitMs: 10_000, maxWaits: 10 });
    const waiting = waits.reach(2n);
    expect([waits.count, projection.waiting]).toEqual([1, 1]);
    projection.apply(eventAt(2n));
    await waiting;
    expect([waits.count, projection.waiting]).toEqual([0, 0]);
  });

  describe('when the wait times out', () => {
    it('answers not_caught_up and removes its waiter', async () => {
      const projection = projectionAt(1n);
      const waits = new ConsistencyWaits(projection, { waitMs: 1, maxWaits: 10 });
      const error = await waits.reach(FAR).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(WardenError);
      expect(error).toMatchObject({ kind: 'unavailable', code: 'not_caught_up' });
      expect([waits.count, projection.waiting]).toEqual([0, 0]);
    });

    it('is back to no wait after any number of timed-out waits', async () => {
      const projection = projectionAt(1n);
      const waits = new ConsistencyWaits(projection, { waitMs: 1, maxWaits: 10_000 });
      const outcomes = await Promise.allSettled(Array.from({ length: 5000 }, () => waits.reach(FAR)));
      expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
      expect([waits.count, projection.waiting]).toEqual([0, 0]);
    });
  });

  describe('when the caller abandons the wait', () => {
    it('rejects with the reason of its signal and removes its waiter at once', async () => {
      const projection = projectionAt(1n);
      const waits = new ConsistencyWaits(projection, { waitMs: 60_000, maxWaits: 10 });
      const abandoned = new AbortController();
      const waiting = waits.reach(FAR, abandoned.signal);
      expect(projection.waiting).toBe(1);
      abandoned.abort(new Error('client gone'));
      await expect(waiting).rejects.toThrow('client gone');
      expect([waits.count, projection.waiting]).toEqual([0, 0]);
    });
  });

  describe('when as many waits as allowed are open', () => {
    it('refuses the next one at once with not_caught_up, keeping nothing of it', async () => {
      const projection = projectionAt(1n);
      const waits = new ConsistencyWaits(projection, { waitMs: 60_000, maxWaits: 2 });
      const abandoned = new AbortController();
      const open = [waits.reach(FAR, abandoned.signal), waits.reach(FAR, abandoned.signal)];
      await expect(waits.reach(FAR)).rejects.toMatchObject({ code: 'not_caught_up', message: expect.stringMatching(/as many requests as it may/) });
      expect([waits.count, projection.waiting]).toEqual([2, 2]);
      abandoned.abort(new Error('done'));
      await Promise.allSettled(open);
      expect([waits.count, projection.waiting]).toEqual([0, 0]);
    });

    it('still answers at once a request whose position is reached', async () => {
      const projection = projectionAt(3n);
      const waits = new ConsistencyWaits(projection, { waitMs: 60_000, maxWaits: 0 });
      await expect(waits.reach(3n)).resolves.toBeUndefined();
    });
  });
});
