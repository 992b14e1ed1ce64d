import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiDefaultResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { exportOrgStream, orgStateAt } from '@warden/audit';
import { EventLedger } from '@warden/ledger';
import type { KeyPrincipal } from '@warden/projection';
import type { FastifyReply } from 'fastify';
import { AdminKeyEndpoint } from './auth/admin-key-endpoint.decorator';
import { Principal } from './auth/principal';
import { AuditDecisionsReader } from './audit-decisions.reader';
import { AuditEventsReader } from './audit-events.reader';
import { ControlEventPageResponseDto, DecisionPageResponseDto, DecisionSummaryResponseDto } from './audit.responses';
import { AuditDecisionsQueryDto, AuditEventsQueryDto, AuditExportQueryDto, AuditStateQueryDto, DecisionSummaryQueryDto } from './audit.schemas';
import { ErrorBodyDto } from './common.responses';
import { DecisionSummaryReader } from './decision-summary.reader';

/** Audit queries for operators (admin-scoped org key): decisions, state at a moment, NDJSON export. */
@ApiTags('audit')
@Controller('api/v1/audit')
@AdminKeyEndpoint()
@ApiDefaultResponse({ type: ErrorBodyDto.Output, description: 'an error: `error` is a stable code' })
export class AuditController {
  constructor(
    private readonly ledger: EventLedger,
    private readonly decisions: AuditDecisionsReader,
    private readonly events: AuditEventsReader,
    private readonly summaries: DecisionSummaryReader,
  ) {}

  @Get('decisions')
  @ApiOperation({ summary: 'Recorded decisions of the org (optionally one device, a code, allowed or denied, a time range), paged by ledger position' })
  @ApiOkResponse({ type: DecisionPageResponseDto.Output })
  async listDecisions(@Principal() principal: KeyPrincipal, @Query() query: AuditDecisionsQueryDto) {
    const page = await this.decisions.query({
      orgId: principal.orgId,
      deviceId: query.deviceId,
      from: query.from,
      to: query.to,
      code: query.code,
      allowed: query.allowed,
      cursor: query.cursor === undefined ? undefined : BigInt(query.cursor),
      limit: query.limit,
    });
    return { status: 'ok', handler: 'audit/decisions', ...page };
  }

  @Get('decisions/summary')
  @ApiOperation({ summary: "The org's recorded decisions per minute and code over the last minutes (default 15, at most 60), as this node has read them" })
  @ApiOkResponse({ type: DecisionSummaryResponseDto.Output })
  async summary(@Principal() principal: KeyPrincipal, @Query() query: DecisionSummaryQueryDto) {
    return { status: 'ok', handler: 'audit/decisions/summary', ...(await this.summaries.summary(principal.orgId, query.minutes)) };
  }

  @Get('events')
  @ApiOperation({ summary: "The org's control events (optionally those about one device, a time range) with the actor of each, paged by revision" })
  @ApiOkResponse({ type: ControlEventPageResponseDto.Output })
  async listEvents(@Principal() principal: KeyPrincipal, @Query() query: AuditEventsQueryDto) {
    const page = await this.events.query({
      orgId: principal.orgId,
      deviceId: query.deviceId,
      from: query.from,
      to: query.to,
      cursor: query.cursor === undefined ? undefined : BigInt(query.cursor),
      limit: query.limit,
    });
    return { status: 'ok', handler: 'audit/events', ...page };
  }

  @Get('state')
  @ApiOperation({ summary: "Every device's permission at a time or a ledger position" })
  async state(@Principal() principal: KeyPrincipal, @Query() query: AuditStateQueryDto) {
    const at = /^\d+$/.test(query.at) ? { position: BigInt(query.at) } : { time: new Date(query.at).toISOString() };
    const state = await orgStateAt(this.ledger, principal.orgId, at);
    return JSON.parse(JSON.stringify({ status: 'ok', handler: 'audit/state', ...state }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  }

  @Get('export')
  @ApiOperation({ summary: "NDJSON stream of the org's control events and decisions, in ledger order" })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'one JSON record per line', schema: { type: 'string' } })
  export(@Principal() principal: KeyPrincipal, @Query() query: AuditExportQueryDto, @Res() reply: FastifyReply) {
    const stream = exportOrgStream(this.ledger, { orgId: principal.orgId, from: query.from, to: query.to });
    void reply.header('content-type', 'application/x-ndjson').header('content-disposition', 'attachment; filename="warden-export.ndjson"').send(stream);
  }
}
