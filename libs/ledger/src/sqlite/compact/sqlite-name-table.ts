import type { Database, Statement } from 'better-sqlite3';
import { LedgerIntegrityError } from '@warden/domain';

/** Past this many cached names a cache starts over (ids never change, so dropping is safe). */
const CACHE_LIMIT = 100_000;

/**
 * Interned strings of a compact ledger file (stream ids, categories, event types, org and
 * device ids, actors, actions, codes): each stored once in `names`, referenced by its small
 * integer id. Ids are never reused or changed once committed, so both caches stay valid
 * across processes sharing the file; only an id handed out in a transaction that rolled back
 * is wrong, which is why `forgetUncommitted` empties the writer's cache after a failed append.
 */
export class SqliteNameTable {
  private readonly ids = new Map<string, bigint>();
  private readonly values = new Map<number, string>();
  private readonly insert: Statement;
  private readonly idOfValue: Statement;
  private readonly valueOfId: Statement;

  constructor(db: Database) {
    this.insert = db.prepare('INSERT INTO names (value) VALUES (?)').safeIntegers(true);
    this.idOfValue = db.prepare('SELECT id FROM names WHERE value = ?').pluck().safeIntegers(true);
    this.valueOfId = db.prepare('SELECT value FROM names WHERE id = ?').pluck();
  }

  /** The id of `value`, interning it if new; only inside a write transaction. */
  intern(value: string): bigint {
    let id = this.ids.get(value);
    if (id !== undefined) return id;
    id = (this.idOfValue.get(value) as bigint | undefined) ?? (this.insert.run(value).lastInsertRowid as bigint);
    if (this.ids.size >= CACHE_LIMIT) this.ids.clear();
    this.ids.set(value, id);
    return id;
  }

  /** The id of `value` if it was ever interned (reads never intern). */
  find(value: string): bigint | undefined {
    return this.ids.get(value) ?? (this.idOfValue.get(value) as bigint | undefined);
  }

  /** The string behind a stored id; an id with no name is a damaged file. */
  valueOf(id: number, where: { streamId: string; revision: bigint; position: bigint }): string {
    let value = this.values.get(id);
    if (value !== undefined) return value;
    value = this.valueOfId.get(id) as string | undefined;
    if (value === undefined) {
      throw new LedgerIntegrityError(
        `${where.streamId}@${where.revision}: stored event refers to unknown name ${id}`,
        where.streamId,
        where.revision,
        where.position,
      );
    }
    if (this.values.size >= CACHE_LIMIT) this.values.clear();
    this.values.set(id, value);
    return value;
  }

  /** Drops the writer's cache: a rolled-back transaction may have handed out ids that do not exist. */
  forgetUncommitted(): void {
    this.ids.clear();
  }
}
