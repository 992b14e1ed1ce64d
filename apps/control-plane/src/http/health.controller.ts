import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PermissionProjection } from '@warden/projection';
import type { FastifyReply } from 'fastify';
import type { NodeIdentity } from '../config/node-identity';
import type { WardenConfig } from '../config/warden-config';
import { PermissionPush } from '../lifecycle/permission-push';
import { NODE_IDENTITY, WARDEN_CONFIG } from '../lifecycle/tokens';
import { PromMetrics } from '../observability/prom-metrics';
import { positionText } from './envelopes';

/** Liveness/readiness and Prometheus metrics, outside the versioned API. */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    private readonly projection: PermissionProjection,
    private readonly metrics: PromMetrics,
    private readonly push: PermissionPush,
    @Inject(NODE_IDENTITY) private readonly identity: NodeIdentity,
    @Inject(WARDEN_CONFIG) private readonly config: WardenConfig,
  ) {}

  @Get('health')
  health(@Res({ passthrough: true }) reply: FastifyReply) {
    const failed = this.projection.failed;
    reply.status(failed ? 503 : 200);
    return {
      status: failed ? 'error' : 'ok',
      nodeId: this.identity.nodeId,
      ledger: this.config.ledger,
      nats: this.push.natsState,
      projection: { position: positionText(this.projection.position), orgs: this.projection.orgCount, error: failed?.message ?? null },
    };
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
