import { Body, Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiDefaultResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AckService, Clock, PropagationTracker } from '@warden/enforcement';
import { WardenError } from '@warden/domain';
import { EventLedger } from '@warden/ledger';
import { PromMetrics } from '../observability/prom-metrics';
import type { KeyPrincipal } from '@warden/projection';
import { OrgKeyGuard } from './auth/org-key.guard';
import { Principal, RequireAdminKey } from './auth/principal';
import { ErrorBodyDto } from './common.responses';
import { AckResponseDto, PropagationResponseDto } from './propagation.responses';
import { AckDto, PropagationQueryDto } from './propagation.schemas';

/** Proof of propagation: runtimes acknowledge the permission changes they applied; operators read who did. */
@ApiTags('propagation')
@ApiHeader({ name: 'x-org-key', required: true })
@Controller('api/v1')
@UseGuards(OrgKeyGuard)
@ApiDefaultResponse({ type: ErrorBodyDto.Output, description: 'an error: `error` is a stable code' })
export class PropagationController {
  constructor(
    private readonly acks: AckService,
    private readonly tracker: PropagationTracker,
    private readonly ledger: EventLedger,
    private readonly clock: Clock,
    private readonly metrics: PromMetrics,
  ) {}

  @Post('devices/ack')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge a permission change the runtime applied; answered once durable, stored once per device and position' })
  @ApiOkResponse({ type: AckResponseDto.Output })
  async ack(@Principal() principal: KeyPrincipal, @Body() body: AckDto) {
    try {
      const result = await this.acks.ack(principal.orgId, principal.keyId, body);
      this.metrics.ackTaken('http');
      return { status: 'ok', ...result };
    } catch (error) {
      this.metrics.ackRefused('http', error instanceof WardenError ? error.code : 'internal_error');
      throw error;
    }
  }

  @Get('propagation')
  @RequireAdminKey()
  @ApiOperation({ summary: 'Which live devices acknowledged the permission change committed at a position' })
  @ApiOkResponse({ type: PropagationResponseDto.Output })
  async propagation(@Principal() principal: KeyPrincipal, @Query() query: PropagationQueryDto) {
    const change = this.tracker.change(principal.orgId, query.position);
    const position = BigInt(query.position);
    const [event] = await this.ledger.readAll({ after: position - 1n, limit: 1 });
    const report = this.tracker.report(change, Date.parse(this.clock.now()));
    return { status: 'ok', propagation: { ...report, eventType: event?.position === position ? event.type : 'unknown' } };
  }
}
