import { AuditIndexStore, type IndexCheckpoint, type IndexEntry, type IndexRange } from './audit-index.store';

/** AuditIndexStore in memory: for the in-memory ledger and tests. Entries arrive in position order, so lists stay sorted. */
export class InMemoryAuditIndexStore extends AuditIndexStore {
  private readonly byOrg = new Map<string, IndexEntry[]>();
  private readonly byDevice = new Map<string, IndexEntry[]>();
  private head: IndexCheckpoint | undefined;

  checkpoint(): IndexCheckpoint | undefined {
    return this.head;
  }

  add(entries: readonly IndexEntry[], checkpoint: IndexCheckpoint): void {
    for (const entry of entries) {
      push(this.byOrg, entry.orgId, entry);
      if (entry.deviceId !== null) push(this.byDevice, deviceKey(entry.orgId, entry.deviceId), entry);
    }
    this.head = checkpoint;
  }

  list(range: IndexRange): IndexEntry[] {
    const all = range.deviceId === undefined ? this.byOrg.get(range.orgId) : this.byDevice.get(deviceKey(range.orgId, range.deviceId));
    if (!all) return [];
    const found: IndexEntry[] = [];
    for (let i = firstAfter(all, range.after); i < all.length && found.length < range.limit && all[i].position <= range.upTo; i++) found.push(all[i]);
    return found;
  }

  clear(): void {
    this.byOrg.clear();
    this.byDevice.clear();
    this.head = undefined;
  }

  close(): void {
    this.clear();
  }
}

function push(map: Map<string, IndexEntry[]>, key: string, entry: IndexEntry): void {
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}

function deviceKey(orgId: string, deviceId: string): string {
  return JSON.stringify([orgId, deviceId]);
}

/** Index of the first entry with position > after (binary search). */
function firstAfter(entries: readonly IndexEntry[], after: bigint): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid].position <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
