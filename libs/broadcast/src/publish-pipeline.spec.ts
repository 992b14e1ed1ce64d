import { BroadcastUnavailableError } from './broadcast.errors';
import type { PermissionMessage } from './permission-contract';
import { PublishPipeline } from './publish-pipeline';

/** One publish attempt the test answers by hand: ack() or fail(). */
interface Attempt {
  readonly messages: readonly PermissionMessage[];
  ack(): void;
  fail(): void;
}

const message = (deviceId: string | null, position: number): PermissionMessage => ({
  orgId: 'org-1',
  deviceId,
  allowed: false,
  code: 'DEVICE_REVOKED',
  position: String(position),
  eventId: `e${position}`,
  at: '2030-01-01T00:00:00.000Z',
});

describe('PublishPipeline', () => {
  let attempts: Attempt[];
  let waiters: { count: number; resolve: () => void }[];
  let published: string[];
  let errors: unknown[];
  let stopping: AbortController;
  let pipeline: PublishPipeline;

  beforeEach(() => {
    attempts = [];
    waiters = [];
    published = [];
    errors = [];
    stopping = new AbortController();
    pipeline = new PublishPipeline({
      attempt: (messages) =>
        new Promise<void>((resolve, reject) => {
          attempts.push({ messages, ack: resolve, fail: () => reject(new BroadcastUnavailableError('injected')) });
          waiters = waiters.filter((waiter) => (attempts.length >= waiter.count ? (waiter.resolve(), false) : true));
        }),
      onError: (error) => errors.push(error),
      retryDelayMs: { initial: 1, max: 2 },
      maxEvents: 3,
      maxMessages: 100,
      signal: stopping.signal,
    });
  });

  afterEach(async () => {
    stopping.abort();
    for (const attempt of attempts) attempt.fail();
    await pipeline.idle();
  });

  const attemptsReach = (count: number) =>
    attempts.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve }));
  const submit = (name: string, ...messages: PermissionMessage[]) => pipeline.submit(messages, () => published.push(name));
  const devicesOf = (attempt: Attempt | undefined) => attempt?.messages.map((m) => m.deviceId);

  it('sends the next event before the acks of the one before are back', async () => {
    await submit('revoke d1', message('d1', 1));
    await submit('revoke d2', message('d2', 2));

    expect(attempts.map(devicesOf)).toEqual([['d1'], ['d2']]);
    expect(published).toEqual([]);
  });

  it('completes events in ledger order, whatever order their acks come back in', async () => {
    await submit('revoke d1', message('d1', 1));
    await submit('revoke d2', message('d2', 2));
    await submit('nothing to publish');

    attempts[1]!.ack();
    await new Promise(setImmediate); // every reaction to that ack has run
    expect(published).toEqual([]);
    attempts[0]!.ack();
    await pipeline.idle();
    expect(published).toEqual(['revoke d1', 'revoke d2', 'nothing to publish']);
  });

  it('does not send an event on a subject in flight until that subject is acked', async () => {
    await submit('revoke d1', message('d1', 1));
    const second = submit('restore d1', message('d1', 2));

    expect(attempts).toHaveLength(1);
    attempts[0]!.ack();
    await second;
    expect(attempts.map(devicesOf)).toEqual([['d1'], ['d1']]);
    expect(attempts[1]!.messages[0]!.position).toBe('2');
  });

  it('waits for the oldest event once the window is full', async () => {
    await submit('revoke d1', message('d1', 1));
    await submit('revoke d2', message('d2', 2));
    await submit('revoke d3', message('d3', 3));
    const fourth = submit('revoke d4', message('d4', 4));

    expect(attempts).toHaveLength(3);
    attempts[0]!.ack();
    await fourth;
    expect(devicesOf(attempts[3])).toEqual(['d4']);
  });

  describe('when an event fails while a later one went through', () => {
    it('retries it and completes neither before it is published, then both in order', async () => {
      await submit('revoke d1', message('d1', 1));
      await submit('revoke d2', message('d2', 2));
      attempts[1]!.ack();
      attempts[0]!.fail();

      await attemptsReach(3);
      expect(devicesOf(attempts[2])).toEqual(['d1']);
      expect(published).toEqual([]);
      attempts[2]!.ack();
      await pipeline.idle();
      expect(published).toEqual(['revoke d1', 'revoke d2']);
      expect(errors).toHaveLength(1);
    });

    it('sends a later event on the failed subject only after the retry is acked', async () => {
      await submit('revoke d1', message('d1', 1));
      const restore = submit('restore d1', message('d1', 2));
      attempts[0]!.fail();

      await attemptsReach(2);
      expect(attempts[1]!.messages[0]!.position).toBe('1');
      attempts[1]!.ack();
      await restore;
      expect(attempts[2]!.messages[0]!.position).toBe('2');
    });

    it('sends no new event while it retries', async () => {
      await submit('revoke d1', message('d1', 1));
      attempts[0]!.fail();
      await attemptsReach(2);
      const next = submit('revoke d2', message('d2', 2));

      attempts[1]!.fail();
      await attemptsReach(3);
      expect(devicesOf(attempts[2])).toEqual(['d1']);
      attempts[2]!.ack();
      await next;
      expect(devicesOf(attempts[3])).toEqual(['d2']);
    });
  });

  describe('after a stop', () => {
    it('abandons a failed event and everything behind it, and refuses new ones', async () => {
      await submit('revoke d1', message('d1', 1));
      await submit('revoke d2', message('d2', 2));
      attempts[1]!.ack();
      attempts[0]!.fail();
      stopping.abort();
      await pipeline.idle();

      expect(published).toEqual([]);
      expect(await submit('revoke d3', message('d3', 3))).toBe(false);
    });

    it('still completes events whose attempt was running and succeeds', async () => {
      await submit('revoke d1', message('d1', 1));
      stopping.abort();
      attempts[0]!.ack();
      await pipeline.idle();

      expect(published).toEqual(['revoke d1']);
    });
  });
});
