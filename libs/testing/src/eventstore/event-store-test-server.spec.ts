import {
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  EventStoreDBClient,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
} from '@eventstore/db-client';
import { EventStoreTestServer } from './event-store-test-server';

const event = (n: number) => jsonEvent({ type: 'Tested', data: { n }, metadata: { actor: 'admin' } });

async function readAll<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Collects a subscription's events and lets a test await caught-up or a count. */
function follow(subscription: AllStreamSubscription) {
  const events: AllStreamResolvedEvent[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const caughtUp = new Promise<number>((resolve) => subscription.once('caughtUp', () => resolve(events.length)));
  const error = new Promise<unknown>((resolve) => subscription.once('error', resolve));
  subscription.on('data', (resolved: AllStreamResolvedEvent) => {
    events.push(resolved);
    for (const waiter of waiters.filter((w) => events.length >= w.count)) waiter.resolve();
  });
  const waitFor = (count: number) =>
    new Promise<void>((resolve) => (events.length >= count ? resolve() : waiters.push({ count, resolve })));
  return { events, caughtUp, error, waitFor };
}

describe('EventStoreTestServer', () => {
  let server: EventStoreTestServer;
  let client: EventStoreDBClient;

  beforeEach(async () => {
    server = await EventStoreTestServer.start({ firstPosition: 2n ** 53n + 5n });
    client = EventStoreDBClient.connectionString(server.connectionString);
  });

  afterEach(async () => {
    await client.dispose();
    await server.stop();
  });

  it('appends with the real client and reads the stream forwards and backwards', async () => {
    const first = await client.appendToStream('org-a', [event(0), event(1)], { expectedRevision: 'no_stream' });
    expect(first).toMatchObject({ success: true, nextExpectedRevision: 1n });
    expect(first.position).toEqual({ commit: 2n ** 53n + 6n, prepare: 2n ** 53n + 6n });
    await client.appendToStream('org-a', [event(2)], { expectedRevision: 1n });
    const forwards = await readAll(client.readStream('org-a'));
    expect(forwards.map((e) => e.event?.revision)).toEqual([0n, 1n, 2n]);
    expect(forwards[1].event).toMatchObject({ type: 'Tested', data: { n: 1 }, metadata: { actor: 'admin' } });
    const last = await readAll(client.readStream('org-a', { direction: 'backwards', fromRevision: 'end', maxCount: 1 }));
    expect(last.map((e) => e.event?.revision)).toEqual([2n]);
  });

  it('fails a missing stream read with StreamNotFoundError', async () => {
    await expect(readAll(client.readStream('org-nobody'))).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('answers a wrong expected revision with WrongExpectedVersionError and the current revision', async () => {
    await client.appendToStream('org-a', [event(0), event(1)], { expectedRevision: 'no_stream' });
    const cases = ['no_stream', 0n, 5n] as const;
    for (const expectedRevision of cases) {
      const error = await client.appendToStream('org-a', [event(9)], { expectedRevision }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamName: 'org-a', actualVersion: 1n, expectedVersion: expectedRevision });
    }
    const missing = await client.appendToStream('org-b', [event(0)], { expectedRevision: 'stream_exists' }).catch((e) => e);
    expect(missing).toMatchObject({ actualVersion: 'no_stream', expectedVersion: 'stream_exists' });
  });

  it('recognises a retried append by its event ids and writes nothing', async () => {
    const batch = [event(0), event(1)];
    const original = await client.appendToStream('org-a', batch, { expectedRevision: 'no_stream' });
    const retried = await client.appendToStream('org-a', batch, { expectedRevision: 'no_stream' });
    expect(retried).toEqual(original);
    expect(await readAll(client.readStream('org-a'))).toHaveLength(2);
  });

  it('reads $all forwards from a position, inclusively', async () => {
    await client.appendToStream('org-a', [event(0)], { expectedRevision: 'any' });
    await client.appendToStream('decisions-n1', [event(1), event(2)], { expectedRevision: 'any' });
    const all = await readAll(client.readAll());
    const positions = all.map((e) => e.event?.position?.commit);
    expect(positions).toEqual([2n ** 53n + 5n, 2n ** 53n + 6n, 2n ** 53n + 7n]);
    const from = { commit: 2n ** 53n + 6n, prepare: 2n ** 53n + 6n };
    expect((await readAll(client.readAll({ fromPosition: from }))).map((e) => e.event?.position?.commit)).toEqual(
      positions.slice(1),
    );
  });

  it('subscribes to $all with a prefix filter: history, caught-up, then live events', async () => {
    await client.appendToStream('org-a', [event(0)], { expectedRevision: 'any' });
    await client.appendToStream('decisions-n1', [event(1)], { expectedRevision: 'any' });
    const subscription = client.subscribeToAll({ filter: streamNameFilter({ prefixes: ['org-'] }) });
    const followed = follow(subscription);
    expect(await followed.caughtUp).toBe(1);
    await client.appendToStream('decisions-n1', [event(2)], { expectedRevision: 'any' });
    await client.appendToStream('org-b', [event(3)], { expectedRevision: 'any' });
    await followed.waitFor(2);
    expect(followed.events.map((e) => e.event?.streamId)).toEqual(['org-a', 'org-b']);
    await subscription.unsubscribe();
  });

  it('starts a subscription after the given position, exclusively', async () => {
    const { position } = await client.appendToStream('org-a', [event(0), event(1)], { expectedRevision: 'any' });
    await client.appendToStream('org-a', [event(2)], { expectedRevision: 'any' });
    const followed = follow(client.subscribeToAll({ fromPosition: position }));
    expect(await followed.caughtUp).toBe(1);
    expect(followed.events[0].event?.revision).toBe(2n);
  });

  describe('fault injection', () => {
    it('ends open subscriptions with UNAVAILABLE', async () => {
      const followed = follow(client.subscribeToAll());
      await followed.caughtUp;
      server.dropSubscriptions();
      expect(await followed.error).toBeInstanceOf(UnavailableError);
    });

    it('refuses appends with UNAVAILABLE while asked to, then accepts them', async () => {
      server.refuseAppends(true);
      const error = await client.appendToStream('org-a', [event(0)]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnavailableError);
      server.refuseAppends(false);
      await expect(client.appendToStream('org-a', [event(0)])).resolves.toMatchObject({ success: true });
    });

    it('goes away on stop() and comes back on the same port with the data', async () => {
      await client.appendToStream('org-a', [event(0)], { expectedRevision: 'no_stream' });
      const port = server.port;
      await server.stop();
      expect(await client.appendToStream('org-a', [event(1)]).catch((e: unknown) => e)).toMatchObject({ code: 14 });
      await server.restart();
      expect(server.port).toBe(port);
      await client.appendToStream('org-a', [event(1)], { expectedRevision: 0n });
      expect(await readAll(client.readStream('org-a'))).toHaveLength(2);
    });
  });
});
