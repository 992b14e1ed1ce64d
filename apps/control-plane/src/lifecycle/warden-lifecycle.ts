import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DecisionRecorder, LeaseExpirer, LivenessFeed } from '@warden/enforcement';
import { EventLedger, SqliteEventLedger } from '@warden/ledger';
import { PermissionProjection, ProjectionRunner } from '@warden/projection';
import type { Logger } from 'pino';
import { PermissionPush } from './permission-push';
import { AuditIndexService } from './audit-index.service';
import { ProjectionSnapshots } from './projection-snapshots';
import { PINO_LOGGER } from './tokens';

/**
 * Start-up and shut-down order: the projection catches up with the ledger before the HTTP
 * server takes requests (Nest runs onModuleInit before listen), starting from its snapshot
 * when there is a usable one, then the lease machinery (liveness feed, expirer timer), then
 * permission push starts (SSE relay; NATS in the background), and the audit index starts
 * following the ledger in the background. On shutdown, after the server
 * stopped taking requests: the expirer, the audit index and the liveness feed stop, push stops, the projection
 * stops and is snapshotted, pending decision records are flushed, then the ledger is closed.
 */
@Injectable()
export class WardenLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly projection: PermissionProjection,
    private readonly recorder: DecisionRecorder,
    private readonly ledger: EventLedger,
    private readonly push: PermissionPush,
    private readonly snapshots: ProjectionSnapshots,
    private readonly liveness: LivenessFeed,
    private readonly expirer: LeaseExpirer,
    private readonly auditIndex: AuditIndexService,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const started = Date.now();
    await this.snapshots.restore();
    await this.runner.start();
    const walCheckpoints = this.ledger instanceof SqliteEventLedger ? { walCheckpointsInBackground: await this.ledger.checkpointsInBackground() } : {};
    this.logger.info(
      { position: this.projection.position?.toString() ?? '0', orgs: this.projection.orgCount, ms: Date.now() - started, ...walCheckpoints },
      'projection caught up with the ledger',
    );
    this.snapshots.start();
    // After the catch-up: every active device of an org with leases on gets a full TTL from now.
    await this.liveness.start();
    this.expirer.start();
    await this.push.start();
    // In the background: the HTTP server does not wait for it (audit reads scan what it has not taken in).
    this.auditIndex.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.expirer.stop();
    await this.auditIndex.stop();
    await this.liveness.stop();
    await this.push.stop();
    await this.runner.stop();
    await this.snapshots.stop();
    await this.recorder.flush();
    await this.ledger.close();
  }
}
