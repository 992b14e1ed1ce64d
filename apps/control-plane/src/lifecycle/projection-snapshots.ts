import { EventLedger } from '@warden/ledger';
import { PermissionProjection, ProjectionSnapshotFile } from '@warden/projection';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { WardenConfig } from '../config/warden-config';

/**
 * The projection snapshot's life in the control plane: restored before the projection
 * catches up (so a start replays only what came after it), rewritten every
 * `snapshotIntervalMs` when the projection moved, and written once more at shutdown.
 * Writing serializes the whole projection on the event loop (about half a second per
 * million devices, bench:startup), hence the long default interval. Off with interval 0 and
 * for the in-memory ledger (nothing to come back to).
 */
export class ProjectionSnapshots {
  private readonly file: ProjectionSnapshotFile | undefined;
  private timer: NodeJS.Timeout | undefined;
  private savedPosition: bigint | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: WardenConfig,
    nodeId: string,
    private readonly projection: PermissionProjection,
    private readonly ledger: EventLedger,
    private readonly logger: Logger,
  ) {
    const enabled = config.snapshotIntervalMs > 0 && config.ledger !== 'memory';
    this.file = enabled ? new ProjectionSnapshotFile(join(config.dataDir, `projection-${nodeId}.snapshot`)) : undefined;
  }

  /** Restores the snapshot into the (empty) projection when it is intact and of this ledger; logs what happened. */
  async restore(): Promise<void> {
    if (!this.file) return;
    const started = Date.now();
    const outcome = await this.file.restoreInto(this.projection, this.ledger);
    if (outcome.kind === 'restored') {
      this.savedPosition = outcome.position;
      this.logger.info({ position: outcome.position.toString(), orgs: outcome.orgs, ms: Date.now() - started }, 'projection restored from its snapshot');
    } else if (outcome.kind === 'rejected') {
      this.logger.warn({ file: this.file.path, reason: outcome.reason }, 'projection snapshot not used: replaying the ledger from the start');
    }
  }

  /** Starts rewriting the snapshot periodically. */
  start(): void {
    if (!this.file) return;
    this.timer = setInterval(() => void this.save(), this.config.snapshotIntervalMs);
    this.timer.unref();
  }

  /** Stops the timer and writes a last snapshot (the projection must have stopped following). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.save();
  }

  private save(): Promise<void> {
    this.saving = this.saving.then(async () => {
      const position = this.projection.position;
      if (!this.file || this.projection.failed || position === undefined || position === this.savedPosition) return;
      try {
        const started = Date.now();
        if (await this.file.save(this.projection)) {
          this.savedPosition = position;
          this.logger.info({ position: position.toString(), ms: Date.now() - started }, 'projection snapshot written');
        }
      } catch (error) {
        this.logger.warn({ err: error, file: this.file.path }, 'projection snapshot could not be written');
      }
    });
    return this.saving;
  }
}
