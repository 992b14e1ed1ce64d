import { Metadata } from '@grpc/grpc-js';
import { ConcurrencyError, LedgerUnavailableError } from '@warden/domain';
import { EventStoreTestServer } from '@warden/testing';
import { collectEvents, newEvents, rejectionOf } from '../contract/event-fixtures';
import type { RecordedEvent } from '../event-ledger.port';
import { WARDEN_EVENT_ID_KEY, toEventStoreUuid } from './eventstoredb-event-ids';
import { EventStoreDbEventLedger } from './eventstoredb-event-ledger';
import { toLedgerError } from './eventstoredb-errors';
import { decisionsStream, orgStream } from '../stream-names';

const positions = (events: readonly RecordedEvent[]): bigint[] => events.map((e) => e.position);

describe('EventStoreDbEventLedger', () => {
  let server: EventStoreTestServer;
  let ledger: EventStoreDbEventLedger;

  beforeEach(async () => {
    server = await EventStoreTestServer.start({ firstPosition: 500n, positionStep: 37n });
    ledger = await EventStoreDbEventLedger.connect(server.connectionString, { resubscribeDelayMs: { initial: 5, max: 50 } });
  });

  afterEach(async () => {
    await ledger.close();
    await server.stop();
  });

  describe('when the subscription is dropped', () => {
    it('resubscribes from the last handled position, with no gap and no duplicate', async () => {
      await ledger.append(orgStream('a'), newEvents(3), { expectedRevision: 'no_stream' });
      const collector = collectEvents();
      const subscription = ledger.subscribe({}, collector.handler);
      await subscription.caughtUp;
      server.dropSubscriptions();
      await ledger.append(decisionsStream('n1'), newEvents(2), { expectedRevision: 'no_stream' });
      await ledger.append(orgStream('a'), newEvents(1), { expectedRevision: 2n });
      await collector.waitFor(6);
      server.dropSubscriptions();
      await ledger.append(orgStream('b'), newEvents(1), { expectedRevision: 'no_stream' });
      await collector.waitFor(7);
      expect(positions(collector.events)).toEqual(positions(await ledger.readAll()));
      expect(subscription.lastPosition).toBe(collector.events[6].position);
      await subscription.close();
      await expect(subscription.done).resolves.toBeUndefined();
    });

    it('resumes mid-history when the drop comes while the handler is busy', async () => {
      await ledger.append(orgStream('a'), newEvents(6), { expectedRevision: 'no_stream' });
      await ledger.append(decisionsStream('n1'), newEvents(2), { expectedRevision: 'no_stream' });
      const collector = collectEvents((_, index) => {
        if (index === 2) server.dropSubscriptions();
      });
      const subscription = ledger.subscribe({ streamPrefixes: ['org-'] }, collector.handler);
      await subscription.caughtUp;
      const orgEvents = await ledger.readAll({ streamPrefixes: ['org-'] });
      expect(positions(collector.events)).toEqual(positions(orgEvents));
      await subscription.close();
    });

    it('keeps retrying while the server is away and resumes once it is back', async () => {
      await ledger.append(orgStream('a'), newEvents(1), { expectedRevision: 'no_stream' });
      const collector = collectEvents();
      const subscription = ledger.subscribe({}, collector.handler);
      await collector.waitFor(1);
      await server.stop();
      await server.restart();
      await ledger.append(orgStream('a'), newEvents(2), { expectedRevision: 0n });
      await collector.waitFor(3);
      expect(positions(collector.events)).toEqual(positions(await ledger.readAll()));
      await subscription.close();
    });
  });

  it('delivers nothing to a subscription with an empty prefix list', async () => {
    await ledger.append(orgStream('a'), newEvents(2), { expectedRevision: 'no_stream' });
    const collector = collectEvents();
    const subscription = ledger.subscribe({ streamPrefixes: [] }, collector.handler);
    await subscription.caughtUp;
    expect(collector.events).toEqual([]);
    await subscription.close();
  });

  describe('when the server refuses appends', () => {
    it('fails them with LedgerUnavailableError, then appends again', async () => {
      await ledger.append(orgStream('a'), newEvents(1), { expectedRevision: 'no_stream' });
      server.refuseAppends(true);
      const error = await rejectionOf(ledger.append(orgStream('a'), newEvents(1), { expectedRevision: 0n }));
      expect(error).toBeInstanceOf(LedgerUnavailableError);
      expect(error).toMatchObject({ kind: 'unavailable', code: 'ledger_unavailable' });
      server.refuseAppends(false);
      await expect(ledger.append(orgStream('a'), newEvents(1), { expectedRevision: 0n })).resolves.toMatchObject({
        nextRevision: 1n,
      });
      expect((await ledger.readStream(orgStream('a'))).map((e) => e.revision)).toEqual([0n, 1n]);
    });
  });

  describe('when the server goes away', () => {
    it('fails appends and reads with LedgerUnavailableError, and works again once it is back', async () => {
      await ledger.append(decisionsStream('n1'), newEvents(1), { expectedRevision: 'any' });
      await server.stop();
      const calls = [
        () => ledger.append(decisionsStream('n1'), newEvents(1), { expectedRevision: 'any' }),
        () => ledger.append(orgStream('a'), newEvents(1), { expectedRevision: 'no_stream' }),
        () => ledger.readStream(decisionsStream('n1')),
        () => ledger.readAll(),
        () => ledger.headPosition(),
      ];
      for (const call of calls) expect(await rejectionOf(call())).toBeInstanceOf(LedgerUnavailableError);
      await server.restart();
      await ledger.append(decisionsStream('n1'), newEvents(1), { expectedRevision: 'any' });
      const stream = await ledger.readStream(decisionsStream('n1'));
      expect(stream.map((e) => e.revision)).toEqual([0n, 1n]);
    });

    it('fails the first call of a fresh ledger with LedgerUnavailableError', async () => {
      await server.stop();
      const fresh = await EventStoreDbEventLedger.connect(server.connectionString);
      expect(await rejectionOf(fresh.append(orgStream('a'), newEvents(1), { expectedRevision: 'any' }))).toBeInstanceOf(
        LedgerUnavailableError,
      );
      await fresh.close();
    });

    it('classifies the raw status 14 error of the ServerFeatures probe on an append as LedgerUnavailableError', async () => {
      await ledger.append(decisionsStream('n1'), newEvents(1), { expectedRevision: 'any' });
      await server.stop();
      // A failed read makes the client drop its channel and its cached server features...
      expect(await rejectionOf(ledger.readAll())).toBeInstanceOf(LedgerUnavailableError);
      // ...so this append (head cached, no read first) starts with the probe, which fails raw.
      const error = await rejectionOf(ledger.append(decisionsStream('n1'), newEvents(1), { expectedRevision: 'any' }));
      expect(error).toBeInstanceOf(LedgerUnavailableError);
      const cause = (error as LedgerUnavailableError).cause as { code?: unknown; type?: unknown };
      expect(cause).toMatchObject({ code: 14 });
      expect(cause.type).toBeUndefined();
    });

    it('classifies a raw gRPC status 14 error (not converted by the client) as LedgerUnavailableError', () => {
      const raw = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
        code: 14,
        details: 'No connection established',
        metadata: new Metadata(),
      });
      expect(toLedgerError(raw, 'append to org-a')).toBeInstanceOf(LedgerUnavailableError);
    });
  });

  describe('event ids', () => {
    it('maps ids to UUID v5 deterministically (RFC 4122 test vector)', () => {
      expect(toEventStoreUuid('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
        '2ed6657d-e927-568b-95e1-2665a8aea6a2',
      );
      expect(toEventStoreUuid('evt-1')).toBe(toEventStoreUuid('evt-1'));
      expect(toEventStoreUuid('evt-1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });

    it('stores the UUID v5 as the EventStoreDB id and our id in the compact metadata', async () => {
      const [event] = newEvents(1);
      await ledger.append(orgStream('a'), [event], { expectedRevision: 'no_stream' });
      const [stored] = server.data.streams.get(orgStream('a')) ?? [];
      expect(stored.id).toBe(toEventStoreUuid(event.eventId));
      expect(JSON.parse(Buffer.from(stored.customMetadata).toString('utf8'))).toMatchObject({ $id: event.eventId });
      const [read] = await ledger.readStream(orgStream('a'));
      expect(read.eventId).toBe(event.eventId);
      expect(read.metadata).not.toHaveProperty(WARDEN_EVENT_ID_KEY);
    });

    it('recognises a retry from another process (cold cache) as idempotent', async () => {
      const batch = newEvents(2);
      const original = await ledger.append(decisionsStream('n1'), batch, { expectedRevision: 'any' });
      const other = await EventStoreDbEventLedger.connect(server.connectionString);
      expect(await other.append(decisionsStream('n1'), batch, { expectedRevision: 'any' })).toEqual(original);
      expect(await other.append(decisionsStream('n1'), batch.slice(0, 1), { expectedRevision: 'any' })).toMatchObject({
        nextRevision: 0n,
      });
      const overlapping = [batch[1], ...newEvents(1)];
      expect(await rejectionOf(other.append(decisionsStream('n1'), overlapping, { expectedRevision: 'any' }))).toBeInstanceOf(
        ConcurrencyError,
      );
      await other.close();
      expect(await ledger.readStream(decisionsStream('n1'))).toHaveLength(2);
    });
  });

  describe('when another writer appends to a stream written with "any"', () => {
    it('re-reads the head and keeps the hash chain intact', async () => {
      const other = await EventStoreDbEventLedger.connect(server.connectionString);
      await ledger.append(decisionsStream('n1'), newEvents(1), { expectedRevision: 'any' });
      await other.append(decisionsStream('n1'), newEvents(1), { expectedRevision: 'any' });
      // `ledger` still caches revision 0 as the head: the server refuses, it re-reads and relinks.
      await expect(ledger.append(decisionsStream('n1'), newEvents(1), { expectedRevision: 'any' })).resolves.toMatchObject({
        nextRevision: 2n,
      });
      expect((await ledger.readStream(decisionsStream('n1'))).map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      await other.close();
    });
  });
});
