import { type AuditIndexAccess, AuditIndexFollower, type AuditIndexNotice, defaultAuditIndexPath, InMemoryAuditIndexStore, openSqliteAuditIndex } from '@warden/audit';
import type { EventLedger } from '@warden/ledger';
import type { Logger } from 'pino';
import type { WardenConfig } from '../config/warden-config';

/**
 * The node's audit index (decisions by org, device and position): followed in the background
 * from the start, off the validate path, so device history, audit/decisions and export read
 * what they return instead of every decision record. `WARDEN_DECISION_INDEX_PATH=off` turns
 * it off (audit reads scan, as before); with the memory ledger it lives in memory.
 */
export class AuditIndexService implements AuditIndexAccess {
  private readonly follower: AuditIndexFollower | undefined;
  readonly path: string | undefined;

  constructor(config: WardenConfig, nodeId: string, ledger: EventLedger, private readonly logger: Logger) {
    if (config.decisionIndexPath === 'off') return;
    const notify = (notice: AuditIndexNotice): void => this.log(notice);
    if (config.ledger === 'memory') {
      this.follower = new AuditIndexFollower(ledger, { open: () => new InMemoryAuditIndexStore(), notify });
      return;
    }
    const path = config.decisionIndexPath ?? defaultAuditIndexPath(config.dataDir, nodeId);
    this.path = path;
    this.follower = new AuditIndexFollower(ledger, { open: (fresh) => openSqliteAuditIndex(path, fresh), notify });
  }

  searchOptions(): ReturnType<AuditIndexAccess['searchOptions']> {
    return this.follower?.searchOptions() ?? {};
  }

  /** Resolves once the index has taken in the ledger up to this decision record's position (tests, tools). */
  reached(position: bigint): Promise<void> {
    return this.follower ? this.follower.reached(position) : Promise.resolve();
  }

  /** Starts following in the background (a rebuild of a large ledger takes a while; queries scan the part not yet indexed). */
  start(): void {
    if (!this.follower) {
      this.logger.info('audit index off (WARDEN_DECISION_INDEX_PATH=off): audit reads scan the decision streams');
      return;
    }
    this.follower.start();
  }

  async stop(): Promise<void> {
    await this.follower?.stop();
  }

  private log(notice: AuditIndexNotice): void {
    if (notice.kind === 'caught-up') this.logger.info({ path: this.path, records: notice.records, ms: notice.ms, position: notice.position }, 'audit index caught up with the ledger');
    else if (notice.kind === 'reset') this.logger.warn({ path: this.path, reason: notice.reason }, 'audit index rebuilt from the ledger');
    else this.logger.warn({ err: notice.error, path: this.path }, 'audit index unusable: audit reads scan until it is rebuilt');
  }
}
