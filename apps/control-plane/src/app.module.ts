import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import {
  Clock,
  DecisionRecorder,
  EnforcementMetrics,
  IdSource,
  OrgCommandService,
  RandomIdSource,
  RegistrationService,
  SystemClock,
  ValidationService,
} from '@warden/enforcement';
import { decisionsStream, EventLedger } from '@warden/ledger';
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
import { AuditQueryInterceptor } from './http/audit-query.interceptor';
import { AuditController } from './http/audit.controller';
import { DevicesController } from './http/devices.controller';
import { RequestValidationError } from './http/error-body';
import { HealthController } from './http/health.controller';
import { OrgController } from './http/org.controller';
import { RegisterAllowance } from './http/register-allowance';
import { UsageController } from './http/usage.controller';
import { WardenExceptionFilter } from './http/warden-exception.filter';
import { openLedger } from './lifecycle/ledger.factory';
import { PermissionPush } from './lifecycle/permission-push';
import { NatsRpcController } from './nats/nats-rpc.controller';
import { WatchController } from './http/watch.controller';
import { InProcessPermissionBroadcaster } from '@warden/broadcast';
import { NODE_IDENTITY, PINO_LOGGER, WARDEN_CONFIG } from './lifecycle/tokens';
import { ProjectionSnapshots } from './lifecycle/projection-snapshots';
import { WardenLifecycle } from './lifecycle/warden-lifecycle';
import { PromMetrics } from './observability/prom-metrics';

export interface AppModuleOptions {
  readonly config: WardenConfig;
  readonly identity: NodeIdentity;
  readonly logger: Logger;
  /** An already open ledger (tests, fault injection); otherwise the configured adapter is opened. */
  readonly ledger?: EventLedger;
}

const ValidationPipe = createZodValidationPipe({
  createValidationException: (error: unknown) => new RequestValidationError(error as ZodError),
});

/** Composition root: binds the libs' ports to adapters and wires the HTTP edge. */
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
      { provide: PromMetrics, useFactory: (p: PermissionProjection) => new PromMetrics(p), inject: [PermissionProjection] },
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
      {
        provide: ValidationService,
        useFactory: (p: PermissionProjection, r: DecisionRecorder, c: Clock, m: EnforcementMetrics) => new ValidationService(p, r, c, m),
        inject: [PermissionProjection, DecisionRecorder, Clock, EnforcementMetrics],
      },
      {
        provide: RegistrationService,
        useFactory: (o: OrgCommandService, v: ValidationService, c: Clock) => new RegistrationService(o, v, c),
        inject: [OrgCommandService, ValidationService, Clock],
      },
      { provide: InProcessPermissionBroadcaster, useValue: new InProcessPermissionBroadcaster() },
      {
        provide: PermissionPush,
        useFactory: (l: EventLedger, hub: InProcessPermissionBroadcaster, m: PromMetrics, p: PermissionProjection) =>
          new PermissionPush(l, hub, config, options.identity, options.logger, m, p),
        inject: [EventLedger, InProcessPermissionBroadcaster, PromMetrics, PermissionProjection],
      },
      {
        provide: ProjectionSnapshots,
        useFactory: (p: PermissionProjection, l: EventLedger) => new ProjectionSnapshots(config, options.identity.nodeId, p, l, options.logger),
        inject: [PermissionProjection, EventLedger],
      },
      { provide: AuditDecisionsReader, useFactory: (l: EventLedger) => new AuditDecisionsReader(l), inject: [EventLedger] },
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
      controllers: [OrgController, DevicesController, WatchController, UsageController, AuditController, HealthController, NatsRpcController],
      providers,
    };
  }
}
