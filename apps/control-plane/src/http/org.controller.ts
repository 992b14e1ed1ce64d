import { Body, Controller, Get, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiDefaultResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { decideValidation, PLAN_LIMITS, type PlanTier } from '@warden/domain';
import { Clock, IdSource, issueKey, OrgCommandService, stampCommand, type UnstampedCommand } from '@warden/enforcement';
import type { FastifyReply } from 'fastify';
import { AwaitAcks } from './await-acks';
import { PermissionProjection, type KeyPrincipal } from '@warden/projection';
import { AdminTokenGuard } from './auth/admin-token.guard';
import { AdminKeyEndpoint } from './auth/admin-key-endpoint.decorator';
import { Principal } from './auth/principal';
import { positionText, usageFields } from './envelopes';
import { ErrorBodyDto } from './common.responses';
import { CreateOrgDto, IssueKeyDto, RevokeKeyDto, SetLimitsDto, SetPolicyDto, SuspendOrgDto } from './org.schemas';
import { CreateOrgResponseDto, IssueKeyResponseDto, KeyListResponseDto, OrgChangeResponseDto, OrgResponseDto, PolicyResponseDto, RevokeKeyResponseDto } from './org.responses';

/** Org lifecycle: creation (admin token), kill switch, limits and keys (admin-scoped org key). */
@ApiTags('org')
@Controller('api/v1/org')
@ApiDefaultResponse({ type: ErrorBodyDto.Output, description: 'an error: `error` is a stable code' })
export class OrgController {
  constructor(
    private readonly commands: OrgCommandService,
    private readonly projection: PermissionProjection,
    private readonly ids: IdSource,
    private readonly clock: Clock,
    private readonly awaitAcks: AwaitAcks,
  ) {}

  @Get()
  @AdminKeyEndpoint()
  @ApiOperation({ summary: "The org: its name, plan and cap, whether it is suspended (and why), how many devices validate would allow now" })
  @ApiOkResponse({ type: OrgResponseDto.Output })
  org(@Principal() principal: KeyPrincipal) {
    const state = this.projection.org(principal.orgId)!;
    const now = Date.parse(this.clock.now());
    let allowed = 0;
    for (const deviceId of state.devices.keys()) if (decideValidation(state, deviceId, now).allowed) allowed++;
    return {
      status: 'ok',
      handler: 'org',
      orgId: principal.orgId,
      name: state.name,
      ...usageFields(state),
      suspendedReason: state.suspended ? (state.suspendedReason ?? '') : null,
      devicesAllowed: allowed,
      position: positionText(this.projection.position),
    };
  }

  @Get('keys')
  @AdminKeyEndpoint()
  @ApiOperation({ summary: "The org's active keys: id, scope and when issued (never the key nor its hash)" })
  @ApiOkResponse({ type: KeyListResponseDto.Output })
  keys(@Principal() principal: KeyPrincipal) {
    const state = this.projection.org(principal.orgId)!;
    const keys = [...state.keys.values()].map((key) => ({ keyId: key.keyId, scope: key.scope, issuedAt: key.issuedAt, current: key.keyId === principal.keyId }));
    return { status: 'ok', handler: 'org/keys/list', orgId: principal.orgId, count: keys.length, keys };
  }

  @Post('create')
  @HttpCode(200)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Create an org; answers its admin-scoped org key (shown once)' })
  @ApiOkResponse({ type: CreateOrgResponseDto.Output })
  async create(@Body() body: CreateOrgDto) {
    const orgId = this.ids.uuid();
    const planTier = body.planTier ?? 'free';
    const key = issueKey(this.ids, 'admin');
    const result = await this.commands.execute(
      {
        type: 'CreateOrg',
        orgId,
        at: this.clock.now(),
        actor: 'admin',
        data: { name: body.name ?? '', planTier, limit: PLAN_LIMITS[planTier], adminKey: { keyId: key.keyId, keyHash: key.keyHash } },
      },
      { correlationId: this.ids.uuid() },
    );
    return { status: 'ok', orgApiKey: key.key, orgId, keyId: key.keyId, handler: 'org_create', ...usageFields(result.state) };
  }

  @Post('suspend')
  @HttpCode(200)
  @AdminKeyEndpoint()
  @ApiOperation({
    summary: 'Org-wide kill switch: every validation of the org is denied with ORG_SUSPENDED; with awaitAcks, answered once the live runtimes acknowledged (or the timeout passed)',
  })
  @ApiOkResponse({ type: OrgChangeResponseDto.Output })
  async suspend(@Principal() principal: KeyPrincipal, @Body() body: SuspendOrgDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const correlationId = this.ids.uuid();
    const result = await this.run(principal, { type: 'SuspendOrg', data: { reason: body.reason ?? '' } }, correlationId);
    const answer = { status: 'ok', handler: 'org/suspend', orgId: principal.orgId, position: positionText(result.position), ...usageFields(result.state) };
    return { ...answer, ...(await this.awaitAcks.propagation(principal.orgId, result, correlationId, body.awaitAcks, reply.raw)) };
  }

  @Post('resume')
  @HttpCode(200)
  @AdminKeyEndpoint()
  @ApiOperation({ summary: 'Release the org-wide kill switch' })
  @ApiOkResponse({ type: OrgChangeResponseDto.Output })
  async resume(@Principal() principal: KeyPrincipal) {
    const result = await this.run(principal, { type: 'ResumeOrg', data: {} });
    return { status: 'ok', handler: 'org/resume', orgId: principal.orgId, position: positionText(result.position), ...usageFields(result.state) };
  }

  @Post('limits')
  @HttpCode(200)
  @AdminKeyEndpoint()
  @ApiOperation({ summary: 'Set the device cap and/or plan tier' })
  @ApiOkResponse({ type: OrgChangeResponseDto.Output })
  async setLimits(@Principal() principal: KeyPrincipal, @Body() body: SetLimitsDto) {
    const data = { limit: body.limit, planTier: body.planTier as PlanTier | undefined };
    const result = await this.run(principal, { type: 'SetDeviceLimit', data });
    return { status: 'ok', handler: 'org/limits', orgId: principal.orgId, position: positionText(result.position), ...usageFields(result.state) };
  }

  @Post('policy')
  @HttpCode(200)
  @AdminKeyEndpoint()
  @ApiOperation({
    summary: 'Leases on (leaseTtlSeconds 5..86400) or off (null): a device that shows no sign of life for the TTL is expired and its seat released',
  })
  @ApiOkResponse({ type: PolicyResponseDto.Output })
  async setPolicy(@Principal() principal: KeyPrincipal, @Body() body: SetPolicyDto) {
    const result = await this.run(principal, { type: 'SetLeasePolicy', data: { leaseTtlSeconds: body.leaseTtlSeconds } });
    return {
      status: 'ok',
      handler: 'org/policy',
      orgId: principal.orgId,
      leaseTtlSeconds: result.state.leaseTtlSeconds,
      position: positionText(result.position),
      ...usageFields(result.state),
    };
  }

  @Post('keys')
  @HttpCode(200)
  @AdminKeyEndpoint()
  @ApiOperation({ summary: 'Issue a key (runtime scope: register, validate, watch only); shown once' })
  @ApiOkResponse({ type: IssueKeyResponseDto.Output })
  async issue(@Principal() principal: KeyPrincipal, @Body() body: IssueKeyDto) {
    const key = issueKey(this.ids, body.scope);
    await this.run(principal, { type: 'IssueKey', data: { keyId: key.keyId, keyHash: key.keyHash, scope: key.scope } });
    return { status: 'ok', handler: 'org/keys', key: key.key, keyId: key.keyId, scope: key.scope };
  }

  @Post('keys/revoke')
  @HttpCode(200)
  @AdminKeyEndpoint()
  @ApiOperation({ summary: 'Revoke a key; the last admin key cannot be revoked' })
  @ApiOkResponse({ type: RevokeKeyResponseDto.Output })
  async revokeKey(@Principal() principal: KeyPrincipal, @Body() body: RevokeKeyDto) {
    await this.run(principal, { type: 'RevokeKey', data: { keyId: body.keyId } });
    return { status: 'ok', handler: 'org/keys/revoke', keyId: body.keyId };
  }

  private run(principal: KeyPrincipal, command: UnstampedCommand, correlationId = this.ids.uuid()) {
    return this.commands.execute(stampCommand(command, principal, this.clock), { correlationId });
  }
}
