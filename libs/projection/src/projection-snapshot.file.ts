import { createReadStream } from 'node:fs';
import { access, open, rename } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { EventLedger } from '@warden/ledger';
import type { PermissionProjection, ProjectionState } from './permission-projection';
import { decodeProjectionSnapshot, encodeProjectionSnapshot, staleSnapshotReason } from './projection-snapshot';

export type SnapshotRestore =
  | { readonly kind: 'restored'; readonly position: bigint; readonly orgs: number }
  | { readonly kind: 'absent' }
  | { readonly kind: 'rejected'; readonly reason: string };

/**
 * The projection snapshot of one node, in one file: written whole to a temporary file,
 * synced, then renamed over the previous one, so a crash leaves the old snapshot or the new,
 * never a torn one (and a torn one would fail its checksum anyway).
 */
export class ProjectionSnapshotFile {
  constructor(readonly path: string) {}

  /** Writes the projection's current state; false (nothing written) before any org event. */
  async save(projection: PermissionProjection): Promise<boolean> {
    const state = projection.state();
    if (state === undefined) return false;
    // Encoded in one go (the projection keeps changing once we yield), written afterwards.
    const { header, lines } = encodeProjectionSnapshot(state);
    const temporary = `${this.path}.tmp`;
    const file = await open(temporary, 'w', 0o600);
    try {
      await file.write(`${header}\n`);
      for (let i = 0; i < lines.length; i += 256) await file.write(`${lines.slice(i, i + 256).join('\n')}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, this.path);
    return true;
  }

  /**
   * Restores the snapshot into an empty projection when there is one, it is intact and it
   * belongs to this ledger; otherwise leaves the projection empty and says why, and the
   * runner replays the ledger from the start.
   */
  async restoreInto(projection: PermissionProjection, ledger: EventLedger): Promise<SnapshotRestore> {
    try {
      await access(this.path);
    } catch {
      return { kind: 'absent' };
    }
    let state: ProjectionState;
    try {
      const input = createReadStream(this.path, { encoding: 'utf8', highWaterMark: 1 << 20 });
      state = await decodeProjectionSnapshot(createInterface({ input, crlfDelay: Infinity }));
    } catch (error) {
      return { kind: 'rejected', reason: (error as Error).message };
    }
    const stale = await staleSnapshotReason(state, ledger);
    if (stale !== undefined) return { kind: 'rejected', reason: stale };
    projection.restore(state);
    return { kind: 'restored', position: state.last.position, orgs: state.orgs.size };
  }
}
