import { EventStoreTestServer } from '@warden/testing';
import type { NewEvent, RecordedEvent } from '../event-ledger.port';
import { verifyChain } from '../hash-chain';
import { decisionsStream } from '../stream-names';
import { WARDEN_EVENT_ID_KEY } from './eventstoredb-event-ids';
import { EventStoreDbEventLedger } from './eventstoredb-event-ledger';

const STREAM = decisionsStream('n1');

function decision(i: number, correlationId?: string): NewEvent {
  const decisionId = `0193a5c3-aaaa-7000-8000-${String(i).padStart(12, '0')}`;
  return {
    eventId: decisionId,
    type: 'PermissionDecided',
    data: { decisionId, orgId: 'org-1', deviceId: `device-${i}`, action: 'validate', allowed: true, code: 'ALLOW', orgRevision: 4, decidedAt: '2026-11-29T07:00:00.000Z' },
    metadata: { actor: 'key-1', correlationId: correlationId ?? decisionId },
  };
}

const content = (event: RecordedEvent) => {
  const { prevHash: _prevHash, hash: _hash, ...metadata } = event.metadata;
  return { eventId: event.eventId, type: event.type, data: event.data, metadata };
};

describe('EventStoreDbEventLedger compact events', () => {
  let server: EventStoreTestServer;
  let ledger: EventStoreDbEventLedger;
  const stored = () => (server.data.streams.get(STREAM) ?? []).map((record) => ({
    record,
    data: Buffer.from(record.data).toString('utf8'),
    metadata: Buffer.from(record.customMetadata).toString('utf8'),
  }));

  beforeEach(async () => {
    server = await EventStoreTestServer.start({ firstPosition: 1000n });
    ledger = await EventStoreDbEventLedger.connect(server.connectionString);
  });
  afterEach(async () => {
    await ledger.close();
    await server.stop();
  });

  it('leaves out what repeats the event id and stores the chain link in base64url', async () => {
    await ledger.append(STREAM, [decision(1)], { expectedRevision: 'any' });
    const [{ data, metadata }] = stored();
    expect(JSON.parse(data)).not.toHaveProperty('decisionId');
    const envelope = JSON.parse(metadata);
    expect(envelope).toMatchObject({ $v: 2, $id: decision(1).eventId, $o: 'cd', actor: 'key-1' });
    expect(envelope).not.toHaveProperty('correlationId');
    expect(Buffer.from(envelope.$l, 'base64url')).toHaveLength(64);
  });

  it('reads the events back exactly as appended, their chain verified', async () => {
    const appended = [decision(1), decision(2, 'batch-9'), decision(3)];
    await ledger.append(STREAM, appended, { expectedRevision: 'any' });
    const stream = await ledger.readStream(STREAM);
    expect(stream.map(content)).toEqual(appended);
    expect(() => verifyChain(stream)).not.toThrow();
    expect((await ledger.readAll()).map(content)).toEqual(appended);
  });

  it('reads events stored in the previous form (full data, linked metadata with wardenEventId) and verifies them', async () => {
    await ledger.append(STREAM, [decision(1), decision(2)], { expectedRevision: 'any' });
    const written = await ledger.readStream(STREAM);
    // Rewrite both records the way the previous version stored them.
    stored().forEach(({ record }, i) => {
      const { eventId, data, metadata } = written[i];
      record.data = Buffer.from(JSON.stringify(data), 'utf8');
      record.customMetadata = Buffer.from(JSON.stringify({ ...metadata, [WARDEN_EVENT_ID_KEY]: eventId }), 'utf8');
    });
    const cold = await EventStoreDbEventLedger.connect(server.connectionString);
    try {
      expect(await cold.readStream(STREAM)).toEqual(written);
      await cold.append(STREAM, [decision(3)], { expectedRevision: 1n });
      const appended = await cold.readStream(STREAM, { fromRevision: 2n });
      expect(() => verifyChain([...written, ...appended])).not.toThrow();
    } finally {
      await cold.close();
    }
  });

  it('is smaller than the previous form', async () => {
    await ledger.append(STREAM, [decision(1)], { expectedRevision: 'any' });
    const [{ data, metadata }] = stored();
    const [event] = await ledger.readStream(STREAM);
    const before = JSON.stringify(event.data).length + JSON.stringify({ ...event.metadata, [WARDEN_EVENT_ID_KEY]: event.eventId }).length;
    expect(data.length + metadata.length).toBeLessThan(before * 0.7);
  });
});
