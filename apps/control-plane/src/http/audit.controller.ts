import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiDefaultResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AUDIT_PAGE_ROWS, exportOrgLines, orgStateAt } from '@warden/audit';
import { EventLedger } from '@warden/ledger';
import type { KeyPrincipal } from '@warden/projection';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { AuditIndexService } from '../lifecycle/audit-index.service';
import { PINO_LOGGER } from '../lifecycle/tokens';
import { AdminKeyEndpoint } from './auth/admin-key-endpoint.decorator';
import { Principal } from './auth/principal';
import { AuditDecisionsReader } from './audit-decisions.reader';
import { AuditEventsReader } from './audit-events.reader';
import { ControlEventPageResponseDto, DecisionPageResponseDto, DecisionSummaryResponseDto } from './audit.responses';
import { AuditDecisionsQueryDto, AuditEventsQueryDto, AuditExportQueryDto, AuditStateQueryDto, DecisionSummaryQueryDto } from './audit.schemas';
import { ErrorBodyDto } from './common.responses';
import { DecisionSummaryReader } from './decision-summary.reader';
import { AuditRead, QuerySignal } from './audit-query.interceptor';
import { sendListAnswer, sendNdjson } from './streamed-answer';

const EXPORT_HEADERS = { 'content-type': 'application/x-ndjson', 'content-disposition': 'attachment; filename="warden-export.ndjson"' };

/**
 * Audit queries for operators (admin-scoped org key): decisions, state at a moment, NDJSON
 * export. Each is an audit read (AuditRead): capped per org and per node, given a time
 * budget, and read from the ledger in pages that yield to the event loop.
 */
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
    private readonly auditIndex: AuditIndexService,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  @Get('decisions')
  @AuditRead()
  @ApiOperation({ summary: 'Recorded decisions of the org (optionally one device, a code, allowed or denied, a time range), paged by ledger position' })
  @ApiOkResponse({ type: DecisionPageResponseDto.Output })
  async listDecisions(@Principal() principal: KeyPrincipal, @Query() query: AuditDecisionsQueryDto, @QuerySignal() signal?: AbortSignal) {
    const page = await this.decisions.query(
      {
        orgId: principal.orgId,
        deviceId: query.deviceId,
        from: query.from,
        to: query.to,
        code: query.code,
        allowed: query.allowed,
        cursor: query.cursor === undefined ? undefined : BigInt(query.cursor),
        limit: query.limit,
      },
      signal,
    );
    return { status: 'ok', handler: 'audit/decisions', ...page };
  }

  @Get('decisions/summary')
  @AuditRead()
  @ApiOperation({ summary: "The org's recorded decisions per minute and code over the last minutes (default 15, at most 60), as this node has read them" })
  @ApiOkResponse({ type: DecisionSummaryResponseDto.Output })
  async summary(@Principal() principal: KeyPrincipal, @Query() query: DecisionSummaryQueryDto, @QuerySignal() signal?: AbortSignal) {
    return { status: 'ok', handler: 'audit/decisions/summary', ...(await this.summaries.summary(principal.orgId, query.minutes, signal)) };
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
  @AuditRead()
  @ApiOperation({ summary: "Every device's permission at a time or a ledger position" })
  async state(@Principal() principal: KeyPrincipal, @Query() query: AuditStateQueryDto, @Res() reply: FastifyReply, @QuerySignal() signal?: AbortSignal) {
    const at = /^\d+$/.test(query.at) ? { position: BigInt(query.at) } : { time: new Date(query.at).toISOString() };
    const { devices, ...org } = await orgStateAt(this.ledger, principal.orgId, at, { signal });
    sendListAnswer(reply, { head: { status: 'ok', handler: 'audit/state', ...org }, key: 'devices', items: devices });
  }

  @Get('export')
  @AuditRead()
  @ApiOperation({ summary: "NDJSON stream of the org's control events and decisions, in ledger order" })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'one JSON record per line', schema: { type: 'string' } })
  async export(@Principal() principal: KeyPrincipal, @Query() query: AuditExportQueryDto, @Res() reply: FastifyReply, @QuerySignal() signal?: AbortSignal) {
    const lines = exportOrgLines(this.ledger, { orgId: principal.orgId, from: query.from, to: query.to, pageSize: AUDIT_PAGE_ROWS, signal, ...this.auditIndex.searchOptions() });
    await sendNdjson(reply, lines, EXPORT_HEADERS, (error, httpStatus) => {
      if (httpStatus >= 500) this.logger.error({ err: error }, 'audit export cut short');
    });
  }
}
