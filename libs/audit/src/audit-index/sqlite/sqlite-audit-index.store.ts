import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { AuditIndexStore, type IndexCheckpoint, type IndexEntry, type IndexRange } from '../audit-index.store';
import { prepareIndexFile } from './sqlite-audit-index.schema';

/** Names kept in memory to skip the lookup when interning; cleared past this size. */
const NAME_CACHE_MAX = 200_000;

const SELECT = `SELECT e.position, s.name AS streamId, e.revision, d.name AS deviceId, e.t AS timeMs
  FROM entries e JOIN names s ON s.id = e.stream LEFT JOIN names d ON d.id = e.device`;

interface Row {
  position: bigint;
  streamId: string;
  revision: bigint;
  deviceId: string | null;
  timeMs: bigint | null;
}

/**
 * AuditIndexStore in a SQLite file of its own beside the ledger (better-sqlite3). Opening
 * throws when the file is not a usable audit index of this version; the builder then deletes
 * it and starts again. A read-only store (the CLI) never changes the file.
 */
export class SqliteAuditIndexStore extends AuditIndexStore {
  private readonly names = new Map<string, bigint>();
  private readonly st: Record<'nameId' | 'insertName' | 'insert' | 'checkpoint' | 'setCheckpoint' | 'byOrg' | 'byDevice', Statement>;
  private readonly addTx: (entries: readonly IndexEntry[], checkpoint: IndexCheckpoint) => void;

  private constructor(private readonly db: Database) {
    super();
    const prepare = (sql: string): Statement => db.prepare(sql).safeIntegers(true);
    this.st = {
      nameId: prepare('SELECT id FROM names WHERE name = ?'),
      insertName: prepare('INSERT INTO names (name) VALUES (?)'),
      insert: prepare('INSERT INTO entries (position, org, device, stream, revision, t) VALUES (?, ?, ?, ?, ?, ?)'),
      checkpoint: prepare('SELECT position, stream AS streamId, revision, hash FROM checkpoint WHERE id = 1'),
      setCheckpoint: prepare('INSERT OR REPLACE INTO checkpoint (id, position, stream, revision, hash) VALUES (1, ?, ?, ?, ?)'),
      byOrg: prepare(`${SELECT} WHERE e.org = ? AND e.position > ? AND e.position <= ? ORDER BY e.position LIMIT ?`),
      byDevice: prepare(`${SELECT} WHERE e.org = ? AND e.device = ? AND e.position > ? AND e.position <= ? ORDER BY e.position LIMIT ?`),
    };
    this.addTx = db.transaction((entries: readonly IndexEntry[], checkpoint: IndexCheckpoint) => {
      for (const e of entries) {
        const device = e.deviceId === null ? null : this.intern(e.deviceId);
        this.st.insert.run(e.position, this.intern(e.orgId), device, this.intern(e.streamId), e.revision, e.timeMs === null ? null : BigInt(e.timeMs));
      }
      this.st.setCheckpoint.run(checkpoint.position, checkpoint.streamId, checkpoint.revision, checkpoint.hash);
    });
  }

  /** Opens (creating when writable and missing) an index file; throws when it is not a usable audit index. */
  static open(path: string, options: { readonly readonly?: boolean } = {}): SqliteAuditIndexStore {
    const db = new BetterSqlite3(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false, timeout: 1000 });
    try {
      prepareIndexFile(db, !options.readonly);
      return new SqliteAuditIndexStore(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  checkpoint(): IndexCheckpoint | undefined {
    const row = this.st.checkpoint.get() as { position: bigint; streamId: string; revision: bigint; hash: string } | undefined;
    return row && { position: row.position, streamId: row.streamId, revision: row.revision, hash: row.hash };
  }

  add(entries: readonly IndexEntry[], checkpoint: IndexCheckpoint): void {
    this.addTx(entries, checkpoint);
  }

  list(range: IndexRange): IndexEntry[] {
    const org = this.lookup(range.orgId);
    if (org === undefined) return [];
    let rows: Row[];
    if (range.deviceId === undefined) {
      rows = this.st.byOrg.all(org, range.after, range.upTo, range.limit) as Row[];
    } else {
      const device = this.lookup(range.deviceId);
      if (device === undefined) return [];
      rows = this.st.byDevice.all(org, device, range.after, range.upTo, range.limit) as Row[];
    }
    return rows.map((row) => ({
      position: row.position,
      streamId: row.streamId,
      revision: row.revision,
      orgId: range.orgId,
      deviceId: row.deviceId,
      timeMs: row.timeMs === null ? null : Number(row.timeMs),
    }));
  }

  clear(): void {
    this.db.exec('DELETE FROM entries; DELETE FROM names; DELETE FROM checkpoint;');
    this.names.clear();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private lookup(name: string): bigint | undefined {
    const cached = this.names.get(name);
    if (cached !== undefined) return cached;
    const row = this.st.nameId.get(name) as { id: bigint } | undefined;
    return row?.id;
  }

  private intern(name: string): bigint {
    const known = this.lookup(name);
    if (known !== undefined) {
      this.names.set(name, known);
      return known;
    }
    if (this.names.size >= NAME_CACHE_MAX) this.names.clear();
    const id = BigInt(this.st.insertName.run(name).lastInsertRowid);
    this.names.set(name, id);
    return id;
  }
}

/**
 * Opens the audit index file at `path` for the node (creating it when missing). `fresh`
 * deletes the file first, with its WAL and shared-memory files: it was unusable, and the
 * index is rebuilt from the ledger.
 */
export function openSqliteAuditIndex(path: string, fresh: boolean): SqliteAuditIndexStore {
  if (fresh) for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
  return SqliteAuditIndexStore.open(path);
}
