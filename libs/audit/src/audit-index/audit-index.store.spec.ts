import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AuditIndexStore, type IndexEntry, InMemoryAuditIndexStore, openSqliteAuditIndex, SqliteAuditIndexStore } from '@warden/audit';

const entry = (position: bigint, orgId: string, deviceId: string | null, timeMs: number | null = 1000): IndexEntry => ({
  position,
  streamId: 'decisions-a',
  revision: position * 2n,
  orgId,
  deviceId,
  timeMs,
});
const checkpoint = (position: bigint) => ({ position, streamId: 'decisions-a', revision: position * 2n, hash: `h${position}` });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-audit-index-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe.each([
  ['in memory', (): AuditIndexStore => new InMemoryAuditIndexStore()],
  ['SQLite', (): AuditIndexStore => SqliteAuditIndexStore.open(join(dir, 'index.sqlite'))],
])('AuditIndexStore (%s)', (_name, open) => {
  it('holds nothing and no checkpoint when new', () => {
    const store = open();
    expect(store.checkpoint()).toBeUndefined();
    expect(store.list({ orgId: 'acme', after: 0n, upTo: 100n, limit: 10 })).toEqual([]);
    store.close();
  });

  it('lists one org, or one device of it, in position order within (after, upTo], at most limit', () => {
    const store = open();
    store.add([entry(1n, 'acme', 'd1'), entry(2n, 'acme2', 'd1'), entry(3n, 'acme', 'd2', null), entry(5n, 'acme', null)], checkpoint(5n));
    store.add([entry(7n, 'acme', 'd1', 2000)], checkpoint(9n));
    expect(store.checkpoint()).toEqual(checkpoint(9n));
    expect(store.list({ orgId: 'acme', after: 0n, upTo: 9n, limit: 10 }).map((e) => e.position)).toEqual([1n, 3n, 5n, 7n]);
    expect(store.list({ orgId: 'acme', after: 1n, upTo: 5n, limit: 10 }).map((e) => e.position)).toEqual([3n, 5n]);
    expect(store.list({ orgId: 'acme', after: 0n, upTo: 9n, limit: 2 }).map((e) => e.position)).toEqual([1n, 3n]);
    expect(store.list({ orgId: 'acme', deviceId: 'd1', after: 0n, upTo: 9n, limit: 10 })).toEqual([entry(1n, 'acme', 'd1'), entry(7n, 'acme', 'd1', 2000)]);
    expect(store.list({ orgId: 'acme', after: 2n, upTo: 3n, limit: 10 })).toEqual([entry(3n, 'acme', 'd2', null)]);
    expect(store.list({ orgId: 'nobody', after: 0n, upTo: 9n, limit: 10 })).toEqual([]);
    expect(store.list({ orgId: 'acme', deviceId: 'nobody', after: 0n, upTo: 9n, limit: 10 })).toEqual([]);
    store.close();
  });

  it('forgets everything on clear', () => {
    const store = open();
    store.add([entry(1n, 'acme', 'd1')], checkpoint(1n));
    store.clear();
    expect(store.checkpoint()).toBeUndefined();
    expect(store.list({ orgId: 'acme', after: 0n, upTo: 9n, limit: 10 })).toEqual([]);
    store.close();
  });
});

describe('SqliteAuditIndexStore file', () => {
  it('keeps its entries and checkpoint across a reopen', () => {
    const path = join(dir, 'index.sqlite');
    const store = SqliteAuditIndexStore.open(path);
    store.add([entry(4n, 'acme', 'd1')], checkpoint(4n));
    store.close();
    const again = SqliteAuditIndexStore.open(path, { readonly: true });
    expect(again.checkpoint()).toEqual(checkpoint(4n));
    expect(again.list({ orgId: 'acme', deviceId: 'd1', after: 0n, upTo: 4n, limit: 10 })).toEqual([entry(4n, 'acme', 'd1')]);
    again.close();
  });

  it('refuses a file that is not an audit index: garbage, or another SQLite database', () => {
    const garbage = join(dir, 'garbage.sqlite');
    writeFileSync(garbage, Buffer.alloc(8192, 7));
    expect(() => SqliteAuditIndexStore.open(garbage)).toThrow();
    const other = join(dir, 'other.sqlite');
    const db = new Database(other);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(() => SqliteAuditIndexStore.open(other)).toThrow(/not an audit index/);
  });

  it('opens a missing file read-only as an error, not as a new file', () => {
    expect(() => SqliteAuditIndexStore.open(join(dir, 'missing.sqlite'), { readonly: true })).toThrow();
  });

  it('starts a garbage file again from nothing when opened fresh', () => {
    const path = join(dir, 'index.sqlite');
    writeFileSync(path, Buffer.alloc(8192, 7));
    writeFileSync(`${path}-wal`, Buffer.alloc(100, 1));
    const store = openSqliteAuditIndex(path, true);
    expect(store.checkpoint()).toBeUndefined();
    store.add([entry(1n, 'acme', 'd1')], checkpoint(1n));
    expect(store.checkpoint()).toEqual(checkpoint(1n));
    store.close();
  });
});
