import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import {
  Clock,
  ConsistencyWaits,
  DecisionRecorder,
  EnforcementMetrics,
  HeartbeatService,
  IdSource,
  LeaseExpirer,
  LivenessFeed,
  LivenessTracker,
  PropagationTracker,
  PropagationWaits,
  AckService,
  OrgCommandService,
  RandomIdSource,
  RegistrationService,
  SystemClock,
  ValidationService,
} from '@warden/enforcement';
import { acksStream, decisionsStream, EventLedger } from '@warden/ledger';
import { PermissionProjection, ProjectionRunner } from '@warden/projection';
import { createZodValidationPipe } from 'nestjs-zod';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import type { NodeIdentity } from './config/node-identity';
import type { WardenConfig } from './config/warden-config';
import { AdminTokenGuard } from './http/auth/admin-token.guard';
import { OrgKeyGuard } from './http/auth/org-key.guard';
import { AuditQueryGate } from '@warden/audit';
import { AuditDecisionsReader } from './http/audit-decisions.reader';
import { AuditEventsReader } from './http/audit-events.reader';
import { DecisionSummaryReader } from './http/decision-summary.reader';
import { AuditQueryInterceptor } from './http/audit-query.interceptor';
import { AuditController } from './http/audit.controller';
import { PropagationController } from './http/propagation.controller';
import { NatsAckController } from './nats/nats-ack.controller';
import { AwaitAcks } from './http/await-acks';
import { DevicesController } from './http/devices.controller';
import { RequestValidationError } from './http/error-body';
import { HealthController } from './http/health.controller';
import { LocksController } from './http/locks.controller';
import { OrgController } from './http/org.controller';
import { RegisterAllowance } from './http/register-allowance';
import { UsageController } from './http/usage.controller';
import { ValidateRequestHandler } from './http/validate-request.handler';
import { WatchSlots } from './http/watch-slots';
import { WardenExceptionFilter } from './http/warden-exception.filter';
import { openLedger } from './lifecycle/ledger.factory';
import type { ControlPlaneHooks } from './lifecycle/control-plane-hooks';
import { PermissionPush } from './lifecycle/permission-push';
import { NatsRpcController } from './nats/nats-rpc.controller';
import { WatchController } from './http/watch.controller';
import { InProcessPermissionBroadcaster } from '@warden/broadcast';
import { NODE_IDENTITY, PINO_LOGGER, WARDEN_CONFIG } from './lifecycle/tokens';
import { ProjectionSnapshots } from './lifecycle/projection-snapshots';
import { AuditIndexService } from './lifecycle/audit-index.service';
import { readOpenFileLimit, watchCeiling } from './lifecycle/watch-ceiling';
import { WardenLifecycle } from './lifecycle/warden-lifecycle';
import { PromMetrics } from './observability/prom-metrics';

export interface AppModuleOptions {
  readonly config: WardenConfig;
  readonly identity: NodeIdentity;
  readonly logger: Logger;
  /** An already open ledger (tests, fault injection); otherwise the configured adapter is opened. */
  readonly ledger?: EventLedger;
  /** Seams for a test harness (fault injection); production passes none. */
  readonly hooks?: ControlPlaneHooks;
}


const ValidationPipe = createZodValidationPipe({
  createValidationException: (error: unknown) => new RequestValidationError(error as ZodError),
});

/** Composition root: binds the libs' ports to adapters and wires the HTTP edge. */
/**
 * Acks are group-committed after waiting this long for company: each append is a synchronous
 * fsync on SQLite, and at 1,000 acks/s a flush every loop turn would take the event loop from
 * validate (measured by bench:acks). Proof may wait 50 ms; an allow may not.
 */
const ACK_LINGER_MS = 50;

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const { config } = options;
    const providers: Provider[] = [
      { provide: WARDEN_CONFIG, useValue: config },
      { provide: NODE_IDENTITY, useValue: options.identity },
      { provide: PINO_LOGGER, useValue: options.logger },
      { provide: EventLedger, useFactory: () => options.ledger ?? openLedger(config) },
      { provide: PermissionProjection, useValue: new PermissionProjection() },
      { provide: ProjectionRunner, useFactory: (l: EventLedger, p: PermissionProjection) => new ProjectionRunner(l, p), inject: [EventLedger, PermissionProjection] },
      { provide: Clock, useValue: new SystemClock() },
      { provide: IdSource, useValue: new RandomIdSource() },
      {
        provide: ConsistencyWaits,
        useFactory: (p: PermissionProjection) => new ConsistencyWaits(p, { waitMs: config.consistencyWaitMs, maxWaits: config.consistencyMaxWaits }),
        inject: [PermissionProjection],
      },
      { provide: WatchSlots, useFactory: () => boundedWatchSlots(config, options.logger) },
      {
        provide: PromMetrics,
        useFactory: (p: PermissionProjection, w: ConsistencyWaits, s: WatchSlots) => new PromMetrics(p, { consistencyWaits: w, watches: s }),
        inject: [PermissionProjection, ConsistencyWaits, WatchSlots],
      },
      { provide: EnforcementMetrics, useExisting: PromMetrics },
      {
        provide: DecisionRecorder,
        useFactory: (l: EventLedger, m: EnforcementMetrics) => new DecisionRecorder(l, decisionsStream(options.identity.nodeId), config.decisions, m),
        inject: [EventLedger, EnforcementMetrics],
      },
      {
        provide: OrgCommandService,
        useFactory: (l: EventLedger, p: PermissionProjection, i: IdSource, m: EnforcementMetrics) => new OrgCommandService(l, p, i, m),
        inject: [EventLedger, PermissionProjection, IdSource, EnforcementMetrics],
      },
      { provide: LivenessTracker, useValue: new LivenessTracker() },
      {
        provide: PropagationTracker,
        useFactory: (hub: InProcessPermissionBroadcaster, t: LivenessTracker, c: Clock, m: PromMetrics) =>
          new PropagationTracker(
            (orgId, deviceId, nowMs) => hub.hasWatch(orgId, deviceId) || (t.lease(orgId, deviceId)?.expiresAtMs ?? 0) > nowMs,
            { maxChanges: 10_000, ackDeadlineMs: config.ackDeadlineMs, liveWindowMs: config.liveWindowMs },
            () => Date.parse(c.now()),
            (_orgId, latencyMs) => m.ackRecorded(latencyMs),
          ),
        inject: [InProcessPermissionBroadcaster, LivenessTracker, Clock, PromMetrics],
      },
      {
        provide: PropagationWaits,
        useFactory: (t: PropagationTracker, c: Clock, m: PromMetrics) => {
          const waits = new PropagationWaits(t, config.ackWaits, () => Date.parse(c.now()));
          m.watchPropagation({ laggingByOrg: (horizonMs) => t.laggingByOrg(Date.parse(c.now()), horizonMs), waits });
          return waits;
        },
        inject: [PropagationTracker, Clock, PromMetrics],
      },
      {
        provide: AwaitAcks,
        useFactory: (w: PropagationWaits, l: EventLedger, c: Clock) => new AwaitAcks(w, l, c),
        inject: [PropagationWaits, EventLedger, Clock],
      },
      {
        provide: AckService,
        useFactory: (p: PermissionProjection, t: PropagationTracker, l: EventLedger, c: Clock, i: IdSource, m: EnforcementMetrics) =>
          new AckService(p, t, new DecisionRecorder(l, acksStream(options.identity.nodeId), { ...config.decisions, lingerMs: Math.max(config.decisions.lingerMs, ACK_LINGER_MS) }, m), c, i),
        inject: [PermissionProjection, PropagationTracker, EventLedger, Clock, IdSource, EnforcementMetrics],
      },
      {
        provide: ValidationService,
        useFactory: (p: PermissionProjection, r: DecisionRecorder, c: Clock, m: EnforcementMetrics, t: LivenessTracker, a: PropagationTracker) =>
          new ValidationService(p, r, c, m, t, a),
        inject: [PermissionProjection, DecisionRecorder, Clock, EnforcementMetrics, LivenessTracker, PropagationTracker],
      },
      {
        provide: LivenessFeed,
        useFactory: (l: EventLedger, p: PermissionProjection, t: LivenessTracker, c: Clock) => new LivenessFeed(l, p, t, c, decisionsStream(options.identity.nodeId)),
        inject: [EventLedger, PermissionProjection, LivenessTracker, Clock],
      },
      {
        provide: LeaseExpirer,
        useFactory: (t: LivenessTracker, f: LivenessFeed, o: OrgCommandService, c: Clock, i: IdSource) =>
          new LeaseExpirer(t, f, o, c, i, { intervalMs: config.leaseCheckMs }, (error) => options.logger.warn({ err: error }, 'lease expiry failed; retrying')),
        inject: [LivenessTracker, LivenessFeed, OrgCommandService, Clock, IdSource],
      },
      {
        provide: HeartbeatService,
        useFactory: (v: ValidationService, t: LivenessTracker) => new HeartbeatService(v, t),
        inject: [ValidationService, LivenessTracker],
      },
      {
        provide: ValidateRequestHandler,
        useFactory: (p: PermissionProjection, w: ConsistencyWaits, v: ValidationService, i: IdSource) => new ValidateRequestHandler(p, w, v, i),
        inject: [PermissionProjection, ConsistencyWaits, ValidationService, IdSource],
      },
      {
        provide: RegistrationService,
        useFactory: (o: OrgCommandService, v: ValidationService, c: Clock) => new RegistrationService(o, v, c),
        inject: [OrgCommandService, ValidationService, Clock],
      },
      { provide: InProcessPermissionBroadcaster, useValue: new InProcessPermissionBroadcaster() },
      {
        provide: PermissionPush,
        useFactory: (l: EventLedger, hub: InProcessPermissionBroadcaster, m: PromMetrics, p: PermissionProjection, a: PropagationTracker) =>
          new PermissionPush(l, hub, config, options.identity, options.logger, m, p, options.hooks, a),
        inject: [EventLedger, InProcessPermissionBroadcaster, PromMetrics, PermissionProjection, PropagationTracker],
      },
      {
        provide: ProjectionSnapshots,
        useFactory: (p: PermissionProjection, l: EventLedger) => new ProjectionSnapshots(config, options.identity.nodeId, p, l, options.logger),
        inject: [PermissionProjection, EventLedger],
      },
      { provide: AuditIndexService, useFactory: (l: EventLedger) => new AuditIndexService(config, options.identity.nodeId, l, options.logger), inject: [EventLedger] },
      { provide: AuditDecisionsReader, useFactory: (l: EventLedger, i: AuditIndexService) => new AuditDecisionsReader(l, i), inject: [EventLedger, AuditIndexService] },
      { provide: AuditEventsReader, useFactory: (l: EventLedger) => new AuditEventsReader(l), inject: [EventLedger] },
      {
        provide: DecisionSummaryReader,
        useFactory: (l: EventLedger, c: Clock) => new DecisionSummaryReader(l, () => Date.parse(c.now())),
        inject: [EventLedger, Clock],
      },
      { provide: AuditQueryGate, useValue: new AuditQueryGate(config.auditQueries) },
      AuditQueryInterceptor,
      { provide: RegisterAllowance, useValue: new RegisterAllowance(config.registerRateLimit.max, config.registerRateLimit.windowMs) },
      { provide: APP_PIPE, useClass: ValidationPipe },
      { provide: APP_FILTER, useFactory: () => new WardenExceptionFilter(options.logger) },
      OrgKeyGuard,
      AdminTokenGuard,
      WardenLifecycle,
    ];
    return {
      module: AppModule,
      controllers: [OrgController, DevicesController, LocksController, WatchController, UsageController, AuditController, PropagationController, HealthController, NatsRpcController, NatsAckController],
      providers,
    };
  }
}

/** The node's watch slots: the configured caps, the node cap lowered to what its open-file limit allows. */
function boundedWatchSlots(config: WardenConfig, logger: Logger): WatchSlots {
  const ceiling = watchCeiling(config.watches.max, readOpenFileLimit());
  const { max, openFileLimit, reserve } = ceiling;
  if (max < config.watches.max) {
    logger.warn({ configured: config.watches.max, max, openFileLimit, reserve }, `WARDEN_WATCH_MAX lowered to ${max}: the open-file limit is ${openFileLimit}, ${reserve} are kept for validate`);
  }
  logger.info({ max, maxPerKey: config.watches.maxPerKey, openFileLimit, reserve }, 'SSE watches bounded');
  return new WatchSlots(config.watches.maxPerKey, max);
}
