import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AUDIT_PAGE_ROWS, exportOrgLines, orgStateAt } from '@warden/audit';
import { EventLedger } from '@warden/ledger';
import type { KeyPrincipal } from '@warden/projection';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { PINO_LOGGER } from '../lifecycle/tokens';
import { AdminKeyEndpoint } from './auth/admin-key-endpoint.decorator';
import { Principal } from './auth/principal';
import { AuditDecisionsReader } from './audit-decisions.reader';
import { AuditRead, QuerySignal } from './audit-query.interceptor';
import { AuditDecisionsQueryDto, AuditExportQueryDto, AuditStateQueryDto } from './audit.schemas';
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
export class AuditController {
  constructor(
    private readonly ledger: EventLedger,
    private readonly decisions: AuditDecisionsReader,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  @Get('decisions')
  @AuditRead()
  @ApiOperation({ summary: 'Recorded decisions of the org (optionally one device, a time range), paged by ledger position' })
  async listDecisions(@Principal() principal: KeyPrincipal, @Query() query: AuditDecisionsQueryDto, @QuerySignal() signal?: AbortSignal) {
    const page = await this.decisions.query(
      {
        orgId: principal.orgId,
        deviceId: query.deviceId,
        from: query.from,
        to: query.to,
        cursor: query.cursor === undefined ? undefined : BigInt(query.cursor),
        limit: query.limit,
      },
      signal,
    );
    return { status: 'ok', handler: 'audit/decisions', ...page };
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
  async export(@Principal() principal: KeyPrincipal, @Query() query: AuditExportQueryDto, @Res() reply: FastifyReply, @QuerySignal() signal?: AbortSignal) {
    const lines = exportOrgLines(this.ledger, { orgId: principal.orgId, from: query.from, to: query.to, pageSize: AUDIT_PAGE_ROWS, signal });
    await sendNdjson(reply, lines, EXPORT_HEADERS, (error, httpStatus) => {
      if (httpStatus >= 500) this.logger.error({ err: error }, 'audit export cut short');
    });
  }
}
