import { Body, Controller, Get, HttpCode, Inject, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { deviceHistory } from '@warden/audit';
import { decideValidation, WardenError, type DeviceOutcome } from '@warden/domain';
import { EventLedger } from '@warden/ledger';
import { Clock, IdSource, OrgCommandService, RegistrationService, ValidationService } from '@warden/enforcement';
import { PermissionProjection, type KeyPrincipal } from '@warden/projection';
import type { FastifyReply } from 'fastify';
import { AuditRead, QuerySignal } from './audit-query.interceptor';
import { OrgKeyGuard } from './auth/org-key.guard';
import { PerKeyRateLimit } from './per-key-rate-limit.decorator';
import { Principal, RequireAdminKey } from './auth/principal';
import { DeviceBatchDto, DeviceIdDto, DeviceIdQueryDto, RegisterDeviceDto, RevokeDeviceDto, ValidateQueryDto } from './devices.schemas';
import type { WardenConfig } from '../config/warden-config';
import { WARDEN_CONFIG } from '../lifecycle/tokens';
import { deviceView, legacyValidateEnvelope, positionText, registerEnvelope, usageFields } from './envelopes';
import { sendListAnswer } from './streamed-answer';

/** The MachineID-compatible device endpoints (`/api/v1/devices/*`). */
@ApiTags('devices')
@ApiHeader({ name: 'x-org-key', required: true, description: 'org key (admin) or runtime key' })
@Controller('api/v1/devices')
@UseGuards(OrgKeyGuard)
export class DevicesController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly validation: ValidationService,
    private readonly commands: OrgCommandService,
    private readonly projection: PermissionProjection,
    private readonly ledger: EventLedger,
    private readonly ids: IdSource,
    private readonly clock: Clock,
    @Inject(WARDEN_CONFIG) private readonly config: WardenConfig,
  ) {}

  @Post('register')
  @PerKeyRateLimit()
  @ApiOperation({ summary: 'Register a device (idempotent); refused at the cap, when revoked or when the org is suspended' })
  async register(@Principal() principal: KeyPrincipal, @Body() body: RegisterDeviceDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const requestId = this.ids.uuid();
    const result = await this.registration.register(principal, body.deviceId, body.labels ?? {}, requestId);
    const { httpStatus, body: answer } = registerEnvelope(body.deviceId, result, requestId, principal.orgId);
    reply.status(httpStatus);
    return answer;
  }

  // POST validate, the hot path, is a direct Fastify route: see validate.route.ts.

  @Get('validate')
  @ApiOperation({ summary: 'Legacy validate (MachineID GET form), with valid/revoked fields' })
  async validateLegacy(@Principal() principal: KeyPrincipal, @Query() query: ValidateQueryDto) {
    const result = await this.validation.validate(principal, query.deviceId, this.ids.uuid(), this.consistency(query.consistencyToken));
    return legacyValidateEnvelope(query.deviceId, result, principal.orgId);
  }

  /**
   * Every device, from the projection. A long list is built and sent in chunks (see
   * sendListAnswer): the device set is taken at once, each device's view when its chunk is
   * written, the usage fields after the last one.
   */
  @Get('list')
  @RequireAdminKey()
  @AuditRead()
  @ApiOperation({ summary: 'Every device of the org with its current permission' })
  list(@Principal() principal: KeyPrincipal, @Res() reply: FastifyReply) {
    const state = this.projection.org(principal.orgId)!;
    const devices = [...state.devices.values()];
    sendListAnswer(reply, {
      head: { status: 'ok', handler: 'devices/list', orgId: principal.orgId, count: devices.length },
      key: 'devices',
      items: devices,
      view: (device) => deviceView(device, decideValidation(state, device.deviceId).code),
      tail: () => usageFields(state),
    });
  }

  @Post('revoke')
  @HttpCode(200)
  @RequireAdminKey()
  async revoke(@Principal() principal: KeyPrincipal, @Body() body: RevokeDeviceDto) {
    return this.single('devices/revoke', await this.revokeMany(principal, [body.deviceId], body.reason));
  }

  @Post('unrevoke')
  @HttpCode(200)
  @RequireAdminKey()
  async unrevoke(@Principal() principal: KeyPrincipal, @Body() body: DeviceIdDto) {
    return this.single('devices/unrevoke', await this.restoreMany(principal, [body.deviceId]));
  }

  @Post('remove')
  @HttpCode(200)
  @RequireAdminKey()
  async remove(@Principal() principal: KeyPrincipal, @Body() body: DeviceIdDto) {
    const requestId = this.ids.uuid();
    const result = await this.commands.execute(
      { type: 'RemoveDevices', orgId: principal.orgId, at: this.clock.now(), actor: principal.keyId, data: { deviceIds: [body.deviceId] } },
      { correlationId: requestId },
    );
    return this.single('devices/remove', { ...result, requestId });
  }

  @Post('revoke_batch')
  @HttpCode(200)
  @RequireAdminKey()
  async revokeBatch(@Principal() principal: KeyPrincipal, @Body() body: DeviceBatchDto) {
    return this.batch('devices/revoke_batch', await this.revokeMany(principal, body.deviceIds, body.reason));
  }

  @Post('unrevoke_batch')
  @HttpCode(200)
  @RequireAdminKey()
  async unrevokeBatch(@Principal() principal: KeyPrincipal, @Body() body: DeviceBatchDto) {
    return this.batch('devices/unrevoke_batch', await this.restoreMany(principal, body.deviceIds));
  }

  @Get('history')
  @RequireAdminKey()
  @AuditRead()
  @ApiOperation({ summary: "A device's control events and recorded decisions, in ledger order" })
  async deviceHistory(@Principal() principal: KeyPrincipal, @Query() query: DeviceIdQueryDto, @Res() reply: FastifyReply, @QuerySignal() signal?: AbortSignal) {
    const events = await deviceHistory(this.ledger, principal.orgId, query.deviceId, { signal });
    sendListAnswer(reply, { head: { status: 'ok', handler: 'devices/history', deviceId: query.deviceId }, key: 'events', items: events });
  }

  private consistency(token: string | undefined) {
    return token === undefined ? undefined : { position: BigInt(token), waitMs: this.config.consistencyWaitMs };
  }

  private async revokeMany(principal: KeyPrincipal, deviceIds: readonly string[], reason: string | undefined) {
    const requestId = this.ids.uuid();
    const command = { type: 'RevokeDevices' as const, orgId: principal.orgId, at: this.clock.now(), actor: principal.keyId };
    const result = await this.commands.execute({ ...command, data: { deviceIds, reason: reason ?? '' } }, { correlationId: requestId });
    return { ...result, requestId };
  }

  private async restoreMany(principal: KeyPrincipal, deviceIds: readonly string[]) {
    const requestId = this.ids.uuid();
    const command = { type: 'RestoreDevices' as const, orgId: principal.orgId, at: this.clock.now(), actor: principal.keyId };
    const result = await this.commands.execute({ ...command, data: { deviceIds } }, { correlationId: requestId });
    return { ...result, requestId };
  }

  /** Single-device answer: an unknown device is 404, unrevoke at the cap is 403 limit_reached. */
  private single(handler: string, result: Awaited<ReturnType<DevicesController['revokeMany']>>) {
    const { deviceId, outcome } = result.decision.outcomes[0]!;
    if (outcome === 'not_found') throw new WardenError('not-found', 'device_not_found', `device ${deviceId} is not registered`);
    if (outcome === 'limit_reached') {
      throw new WardenError('refused', 'device_limit_reached', 'the org is at its device cap; revoke or remove a device, or raise the limit', {
        deviceId,
      });
    }
    return { status: 'ok', handler, deviceId, result: outcome, request_id: result.requestId, position: positionText(result.position), ...usageFields(result.state) };
  }

  private batch(handler: string, result: Awaited<ReturnType<DevicesController['revokeMany']>>) {
    const results = result.decision.outcomes.map(({ deviceId, outcome }) => ({ deviceId, result: outcome, ok: BATCH_OK.has(outcome) }));
    return { status: 'ok', handler, results, request_id: result.requestId, position: positionText(result.position), ...usageFields(result.state) };
  }
}

const BATCH_OK: ReadonlySet<DeviceOutcome> = new Set(['revoked', 'already_revoked', 'restored', 'not_revoked', 'removed']);
