import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { LedgerIntegrityError, LedgerUnavailableError } from '@warden/domain';
import { describeEventLedgerContract } from '../contract/event-ledger.contract';
import { collectEvents, newEvents, rejectionOf } from '../contract/event-fixtures';
import { verifyChain } from '../hash-chain';
import { SqliteEventLedger } from './sqlite-event-ledger';
import type { SqliteEventLedgerOptions } from './sqlite-event-ledger.options';
import { decisionsStream, orgStream } from '../stream-names';

/** A fresh directory per test; every ledger and connection opened is closed by dispose. */
function sqliteFixture() {
  const dir = mkdtempSync(join(tmpdir(), 'warden-ledger-'));
  const path = join(dir, 'ledger.sqlite');
  const ledgers: SqliteEventLedger[] = [];
  const connections: Database.Database[] = [];
  return {
    path,
    async open(options: Partial<SqliteEventLedgerOptions> = {}): Promise<SqliteEventLedger> {
      const ledger = await SqliteEventLedger.open({ path, ...options });
      ledgers.push(ledger);
      return ledger;
    },
    /** A second, independent connection to the same file. */
    connect(): Database.Database {
      const db = new Database(path);
      connections.push(db);
      return db;
    },
    async dispose(): Promise<void> {
      await Promise.all(ledgers.map((ledger) => ledger.close()));
      for (const db of connections) if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the contract on files of one format, damaging rows the way that format stores them. */
function describeContractOnFormat(name: string, newFileSchemaVersion: 1 | 2, tamper: { replaceData: string; deleteEvent: string }): void {
  describeEventLedgerContract(name, () => {
    const fixture = sqliteFixture();
    const write = (sql: string, ...params: unknown[]): void => {
      const db = fixture.connect();
      db.prepare(sql).run(...params);
      db.close();
    };
    return {
      open: (options) => fixture.open({ firstPosition: options?.firstPosition, newFileSchemaVersion }),
      reopen: () => fixture.open(),
      replaceData: async (streamId, revision, data) => write(tamper.replaceData, JSON.stringify(data), streamId, revision),
      deleteEvent: async (streamId, revision) => write(tamper.deleteEvent, streamId, revision),
      dispose: () => fixture.dispose(),
    };
  });
}

const COMPACT_STREAM = '(SELECT id FROM names WHERE value = ?)';
describeContractOnFormat('SqliteEventLedger', 2, {
  // A decision record has no JSON data: the data column, once set, is what the row stands for.
  replaceData: `UPDATE events SET data = ?, metadata = coalesce(metadata, '{}') WHERE stream = ${COMPACT_STREAM} AND revision = ?`,
  deleteEvent: `DELETE FROM events WHERE stream = ${COMPACT_STREAM} AND revision = ?`,
});
describeContractOnFormat('SqliteEventLedger on a version 1 file', 1, {
  replaceData: 'UPDATE events SET data = ? WHERE stream_id = ? AND revision = ?',
  deleteEvent: 'DELETE FROM events WHERE stream_id = ? AND revision = ?',
});

describe('SqliteEventLedger', () => {
  let fixture: ReturnType<typeof sqliteFixture>;
  beforeEach(() => {
    fixture = sqliteFixture();
  });
  afterEach(() => fixture.dispose());

  describe('when another connection holds an exclusive lock', () => {
    it('fails appends with LedgerUnavailableError, and appends again once it commits', async () => {
      const ledger = await fixture.open({ busyTimeoutMs: 20 });
      await ledger.append(orgStream('a'), newEvents(1), { expectedRevision: 'no_stream' });
      const other = fixture.connect();
      other.exec('BEGIN EXCLUSIVE');
      const started = performance.now();
      const error = await rejectionOf(ledger.append(orgStream('a'), newEvents(1), { expectedRevision: 0n }));
      // Bounded by the busy timeout (20 ms); the margin only absorbs a slow CI machine.
      expect(performance.now() - started).toBeLessThan(1000);
      expect(error).toBeInstanceOf(LedgerUnavailableError);
      expect(error).toMatchObject({ kind: 'unavailable', code: 'ledger_unavailable' });
      other.exec('COMMIT');
      await expect(ledger.append(orgStream('a'), newEvents(1), { expectedRevision: 0n })).resolves.toMatchObject({
        nextRevision: 1n,
      });
    });
  });

  it('uses WAL and keeps the same data for a second ledger on the file', async () => {
    const writer = await fixture.open();
    const reader = await fixture.open({ pollIntervalMs: 5 });
    expect(fixture.connect().pragma('journal_mode', { simple: true })).toBe('wal');
    const collector = collectEvents();
    const subscription = reader.subscribe({}, collector.handler);
    await subscription.caughtUp;
    await writer.append(orgStream('a'), newEvents(2), { expectedRevision: 'no_stream' });
    // The reader's notifier never fires for the writer's commit: only polling can find it.
    expect((await collector.waitFor(2)).map((e) => e.revision)).toEqual([0n, 1n]);
    const conflict = await rejectionOf(reader.append(orgStream('a'), newEvents(1), { expectedRevision: 'no_stream' }));
    expect(conflict).toMatchObject({ kind: 'conflict', actual: 1n });
  });

  it('appends a batch of 500 decision records as one contiguous, chained run', async () => {
    const ledger = await fixture.open();
    const result = await ledger.append(decisionsStream('n1'), newEvents(500), { expectedRevision: 'no_stream' });
    const stream = await ledger.readStream(decisionsStream('n1'));
    expect(result.nextRevision).toBe(499n);
    expect(stream[499].position - stream[0].position).toBe(499n);
    expect(verifyChain(stream)).toBe(stream[499].metadata.hash);
  });

  it('ignores firstPosition for a file that already has events', async () => {
    const ledger = await fixture.open({ firstPosition: 50n });
    await ledger.append(orgStream('a'), newEvents(1), { expectedRevision: 'no_stream' });
    await ledger.close();
    const reopened = await fixture.open({ firstPosition: 5000n });
    expect((await reopened.append(orgStream('a'), newEvents(1), { expectedRevision: 0n })).position).toBe(51n);
  });

  it('reports a stored event that is not JSON as an integrity failure', async () => {
    const ledger = await fixture.open();
    const { position } = await ledger.append(orgStream('a'), newEvents(1), { expectedRevision: 'no_stream' });
    fixture.connect().prepare('UPDATE events SET metadata = ? WHERE position = ?').run('{not json', position);
    const error = await rejectionOf(ledger.readAll());
    expect(error).toBeInstanceOf(LedgerIntegrityError);
    expect(error).toMatchObject({ streamId: orgStream('a'), revision: 0n, position });
  });

  it('fails to open with LedgerUnavailableError when the file cannot be created', async () => {
    const error = await rejectionOf(SqliteEventLedger.open({ path: join(dirname(fixture.path), 'missing-dir', 'x.sqlite') }));
    expect(error).toBeInstanceOf(LedgerUnavailableError);
  });
});
