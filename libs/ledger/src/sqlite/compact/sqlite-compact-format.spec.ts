import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LedgerIntegrityError } from '@warden/domain';
import { rejectionOf } from '../../contract/event-fixtures';
import type { NewEvent, RecordedEvent } from '../../event-ledger.port';
import { verifyChain } from '../../hash-chain';
import { decisionsStream, orgStream } from '../../stream-names';
import { SqliteEventLedger } from '../sqlite-event-ledger';

const STREAM = decisionsStream('n1');

function decision(i: number, overrides: { data?: Record<string, unknown>; metadata?: Record<string, unknown>; eventId?: string } = {}): NewEvent {
  const decisionId = overrides.eventId ?? `0193a5c3-aaaa-7000-8000-${String(i).padStart(12, '0')}`;
  return {
    eventId: decisionId,
    type: 'PermissionDecided',
    data: {
      decisionId,
      orgId: '0193a5c2-0000-7000-8000-00000000a001',
      deviceId: `device-${i % 7}`,
      action: i % 3 === 0 ? 'heartbeat' : 'validate',
      allowed: i % 2 === 0,
      code: i % 2 === 0 ? 'ALLOW' : 'DEVICE_REVOKED',
      orgRevision: i - 1,
      decidedAt: new Date(Date.UTC(2026, 10, 29) + i * 1001).toISOString(),
      ...overrides.data,
    },
    metadata: { actor: `key-${i % 2}`, correlationId: decisionId, ...overrides.metadata },
  };
}

/** What an appended event reads back as, link aside. */
function content(event: RecordedEvent): Pick<NewEvent, 'eventId' | 'type' | 'data'> & { metadata: unknown } {
  const { prevHash: _prevHash, hash: _hash, ...metadata } = event.metadata;
  return { eventId: event.eventId, type: event.type, data: event.data, metadata };
}

describe('SqliteEventLedger, compact records (schema version 2)', () => {
  let dir: string;
  let path: string;
  let ledger: SqliteEventLedger;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warden-compact-'));
    path = join(dir, 'ledger.sqlite');
    ledger = await SqliteEventLedger.open({ path });
  });
  afterEach(async () => {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rows = () => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare('SELECT event_id, hash, data, metadata, decision_id, correlation_id FROM events ORDER BY position').all() as {
        event_id: Buffer | string;
        hash: Buffer;
        data: string | null;
        metadata: string | null;
        decision_id: string | null;
        correlation_id: string | null;
      }[];
    } finally {
      db.close();
    }
  };

  it('creates new files in version 2', () => {
    expect(ledger.schemaVersion).toBe(2);
  });

  it('stores a decision record in columns, with its UUID as 16 bytes, its hash as 32 and no JSON', async () => {
    await ledger.append(STREAM, [decision(1)], { expectedRevision: 'any' });
    const [row] = rows();
    expect(row.event_id).toEqual(Buffer.from('0193a5c3aaaa70008000000000000001', 'hex'));
    expect(row.hash).toHaveLength(32);
    expect(row).toMatchObject({ data: null, metadata: null, decision_id: null, correlation_id: null });
  });

  it('reads decision records back exactly as appended, their chain verified from the stored hashes', async () => {
    const appended = Array.from({ length: 40 }, (_, i) => decision(i));
    await ledger.append(STREAM, appended.slice(0, 25), { expectedRevision: 'any' });
    await ledger.append(STREAM, appended.slice(25), { expectedRevision: 'any' });
    const stream = await ledger.readStream(STREAM);
    expect(stream.map(content)).toEqual(appended);
    expect(verifyChain(stream)).toBe(stream[39].metadata.hash);
    expect((await ledger.readAll()).map(content)).toEqual(appended);
    expect((await ledger.readStream(STREAM, { fromRevision: 30n, limit: 5 })).map(content)).toEqual(appended.slice(30, 35));
  });

  describe('when a decision record has something the columns do not hold', () => {
    const unusual: [string, NewEvent][] = [
      ['a decision id other than its event id', decision(1, { data: { decisionId: 'another-id' } })],
      ['a correlation id other than its event id', decision(2, { metadata: { correlationId: 'batch-7' } })],
      ['an event id that is not a UUID', decision(3, { eventId: 'request-3' })],
      ['an upper-case UUID', decision(4, { eventId: '0193A5C3-AAAA-7000-8000-000000000004' })],
      ['a time that is not in canonical ISO form', decision(5, { data: { decidedAt: '2026-11-29T06:00:00Z' } })],
      ['a field more', decision(6, { data: { leaseId: 'l-1' } })],
      ['a causation id', decision(7, { metadata: { causationId: 'c-1' } })],
      ['a revision that is not an integer', decision(8, { data: { orgRevision: 1.5 } })],
      ['a code as a number', decision(9, { data: { code: 7 } })],
    ];
    it.each(unusual)('keeps %s exactly, and its hash verifies', async (_what, event) => {
      await ledger.append(STREAM, [decision(0), event], { expectedRevision: 'any' });
      const stream = await ledger.readStream(STREAM);
      expect(stream.map(content)).toEqual([decision(0), event]);
      expect(() => verifyChain(stream)).not.toThrow();
    });
  });

  it('keeps control events as JSON, their metadata without the chain link', async () => {
    const created: NewEvent = { eventId: 'e1', type: 'OrgCreated', data: { orgId: 'o', at: 't', name: 'n', limit: 3 }, metadata: { actor: 'admin', correlationId: 'c', causationId: 'x' } };
    await ledger.append(orgStream('o'), [created], { expectedRevision: 'no_stream' });
    const [row] = rows();
    expect(row.event_id).toBe('e1');
    expect(JSON.parse(row.metadata!)).toEqual({ actor: 'admin', correlationId: 'c', causationId: 'x' });
    expect((await ledger.readStream(orgStream('o'))).map(content)).toEqual([created]);
  });

  describe('when a stored decision is altered behind the ledger', () => {
    const tamper = (sql: string, ...params: unknown[]): void => {
      const db = new Database(path);
      db.prepare(sql).run(...params);
      db.close();
    };
    const revisionOf = (decisionIndex: number) => `(SELECT position FROM events ORDER BY position LIMIT 1 OFFSET ${decisionIndex})`;

    it.each([
      ['its device', `UPDATE events SET device = (SELECT id FROM names WHERE value = 'device-1') WHERE position = ${revisionOf(3)}`],
      ['its verdict', `UPDATE events SET allowed = 1 - allowed WHERE position = ${revisionOf(3)}`],
      ['its time', `UPDATE events SET decided_at = decided_at + 1 WHERE position = ${revisionOf(3)}`],
      ['its org revision', `UPDATE events SET org_revision = org_revision + 1 WHERE position = ${revisionOf(3)}`],
      ['its stored hash', `UPDATE events SET hash = zeroblob(32) WHERE position = ${revisionOf(3)}`],
    ])('names that record when %s changed', async (_what, sql) => {
      await ledger.append(STREAM, Array.from({ length: 8 }, (_, i) => decision(i)), { expectedRevision: 'any' });
      tamper(sql);
      const error = await rejectionOf(ledger.readStream(STREAM));
      expect(error).toBeInstanceOf(LedgerIntegrityError);
      // A changed stored hash no longer matches its own record (revision 3) first.
      expect(error).toMatchObject({ streamId: STREAM, revision: 3n });
    });

    it('names the record after a removed one', async () => {
      await ledger.append(STREAM, Array.from({ length: 8 }, (_, i) => decision(i)), { expectedRevision: 'any' });
      tamper(`DELETE FROM events WHERE position = ${revisionOf(3)}`);
      expect(await rejectionOf(ledger.readStream(STREAM))).toMatchObject({ streamId: STREAM, revision: 4n });
      // Read page by page, as audit does: the record after the gap still fails its hash.
      const [, second, third] = await ledger.readAll({ limit: 3 });
      const rest = await ledger.readAll({ after: third.position });
      expect(rest[0].revision).toBe(4n);
      expect(() => verifyChain(rest, third.metadata.hash)).toThrow(LedgerIntegrityError);
      expect(second.revision).toBe(1n);
    });
  });

  it('links the first event of a readAll page to the event before it in its stream', async () => {
    await ledger.append(STREAM, Array.from({ length: 6 }, (_, i) => decision(i)), { expectedRevision: 'any' });
    await ledger.append(orgStream('o'), [{ eventId: 'x', type: 'T', data: {}, metadata: { actor: 'a', correlationId: 'c' } }], { expectedRevision: 'any' });
    await ledger.append(STREAM, [decision(6)], { expectedRevision: 'any' });
    const all = await ledger.readAll();
    const last = await ledger.readAll({ after: all[6].position });
    expect(last.map((event) => event.revision)).toEqual([6n]);
    expect(last[0].metadata.prevHash).toBe(all[5].metadata.hash);
  });

  it('keeps interning right after an append that rolled back', async () => {
    await ledger.append(STREAM, [decision(0)], { expectedRevision: 'any' });
    // Interns a new device, then fails (expected revision): its name id must not be reused wrongly.
    await rejectionOf(ledger.append(STREAM, [decision(1, { data: { deviceId: 'brand-new' } })], { expectedRevision: 5n }));
    await ledger.append(orgStream('o'), [{ eventId: 'y', type: 'T', data: {}, metadata: { actor: 'a', correlationId: 'c' } }], { expectedRevision: 'any' });
    await ledger.append(STREAM, [decision(2, { data: { deviceId: 'brand-new' } })], { expectedRevision: 'any' });
    const stream = await ledger.readStream(STREAM);
    expect(stream.map((event) => (event.data as { deviceId: string }).deviceId)).toEqual(['device-0', 'brand-new']);
  });
});
