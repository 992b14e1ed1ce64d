import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { exportOrgStream, orgStateAt } from '@warden/audit';
import { EventLedger } from '@warden/ledger';
import type { KeyPrincipal } from '@warden/projection';
import type { FastifyReply } from 'fastify';
import { AdminKeyEndpoint } from './auth/admin-key-endpoint.decorator';
import { Principal } from './auth/principal';
import { AuditDecisionsReader } from './audit-decisions.reader';
import { AuditDecisionsQueryDto, AuditExportQueryDto, AuditStateQueryDto } from './audit.schemas';

/** Audit queries for operators (admin-scoped org key): decisions, state at a moment, NDJSON export. */
@ApiTags('audit')
@Controller('api/v1/audit')
@AdminKeyEndpoint()
export class AuditController {
  constructor(
    private readonly ledger: EventLedger,
    private readonly decisions: AuditDecisionsReader,
  ) {}

  @Get('decisions')
  @ApiOperation({ summary: 'Recorded decisions of the org (optionally one device, a time range), paged by ledger position' })
  async listDecisions(@Principal() principal: KeyPrincipal, @Query() query: AuditDecisionsQueryDto) {
    const page = await this.decisions.query({
      orgId: principal.orgId,
      deviceId: query.deviceId,
      from: query.from,
      to: query.to,
      cursor: query.cursor === undefined ? undefined : BigInt(query.cursor),
      limit: query.limit,
    });
    return { status: 'ok', handler: 'audit/decisions', ...page };
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
  export(@Principal() principal: KeyPrincipal, @Query() query: AuditExportQueryDto, @Res() reply: FastifyReply) {
    const stream = exportOrgStream(this.ledger, { orgId: principal.orgId, from: query.from, to: query.to });
    void reply.header('content-type', 'application/x-ndjson').header('content-disposition', 'attachment; filename="warden-export.ndjson"').send(stream);
  }
}
