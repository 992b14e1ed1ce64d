import { Body, Controller, Get, HttpCode, Inject, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiDefaultResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ErrorBodyDto } from './common.responses';
import {
  DeviceBatchResponseDto,
  DeviceCommandResponseDto,
  DeviceHistoryResponseDto,
  DeviceListResponseDto,
  LegacyValidateResponseDto,
  RegisterResponseDto,
} from './devices.responses';
import { deviceHistory } from '@warden/audit';
import { AuditIndexService } from '../lifecycle/audit-index.service';
import { decideValidation, OrgErrors, WardenError, type DeviceOutcome } from '@warden/domain';
import { EventLedger } from '@warden/ledger';
import {
  Clock,
  IdSource,
  LivenessTracker,
  OrgCommandService,
  RegistrationService,
  stampCommand,
  ValidationService,
  type UnstampedCommand,
} from '@warden/enforcement';
import { PermissionProjection, type KeyPrincipal } from '@warden/projection';
import type { FastifyReply } from 'fastify';
import { AuditRead, QuerySignal } from './audit-query.interceptor';
import { OrgKeyGuard } from './auth/org-key.guard';
import { PerKeyRateLimit } from './per-key-rate-limit.decorator';
import { Principal, RequireAdminKey } from './auth/principal';
import { AwaitAcks } from './await-acks';
import { DeviceBatchDto, DeviceIdDto, DeviceIdQueryDto, RegisterDeviceDto, RevokeBatchDto, RevokeDeviceDto, ValidateQueryDto } from './devices.schemas';
import { deviceView, legacyValidateEnvelope, positionText, registerEnvelope, usageFields } from './envelopes';
import { sendListAnswer } from './streamed-answer';

/** The MachineID-compatible device endpoints (`/api/v1/devices/*`). */
@ApiTags('devices')
@ApiHeader({ name: 'x-org-key', required: true, description: 'org key (admin) or runtime key' })
@Controller('api/v1/devices')
@UseGuards(OrgKeyGuard)
@ApiDefaultResponse({ type: ErrorBodyDto.Output, description: 'an error: `error` is a stable code' })
export class DevicesController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly validation: ValidationService,
    private readonly commands: OrgCommandService,
    private readonly projection: PermissionProjection,
    private readonly ledger: EventLedger,
    private readonly ids: IdSource,
    private readonly clock: Clock,
    private readonly liveness: LivenessTracker,
    private readonly awaitAcks: AwaitAcks,
    private readonly auditIndex: AuditIndexService,
  ) {}

  @Post('register')
  @PerKeyRateLimit()
  @ApiOperation({ summary: 'Register a device (idempotent); refused at the cap, when revoked or when the org is suspended' })
  @ApiOkResponse({ type: RegisterResponseDto.Output })
  @ApiResponse({ status: 403, type: RegisterResponseDto.Output, description: 'refused (cap reached, revoked, org suspended), with `error`; also 403 forbidden_scope' })
  async register(@Principal() principal: KeyPrincipal, @Body() body: RegisterDeviceDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const requestId = this.ids.uuid();
    const result = await this.registration.register(principal, body.deviceId, body.labels ?? {}, requestId);
    const { httpStatus, body: answer } = registerEnvelope(body.deviceId, result, requestId, principal.orgId);
    reply.status(httpStatus);
    return answer;
  }

  // POST validate and POST heartbeat, the hot paths, are direct Fastify routes: see validate.route.ts, heartbeat.route.ts.

  @Get('validate')
  @ApiOperation({ summary: 'Legacy validate (MachineID GET form), with valid/revoked fields' })
  @ApiOkResponse({ type: LegacyValidateResponseDto.Output })
  async validateLegacy(@Principal() principal: KeyPrincipal, @Query() query: ValidateQueryDto) {
    // OrgKeyGuard has settled the query's consistencyToken already, before authenticating the key.
    const result = await this.validation.validate(principal, query.deviceId, this.ids.uuid());
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
  @ApiOkResponse({ type: DeviceListResponseDto.Output })
  list(@Principal() principal: KeyPrincipal, @Res() reply: FastifyReply) {
    const state = this.projection.org(principal.orgId)!;
    const devices = [...state.devices.values()];
    const now = Date.now();
    sendListAnswer(reply, {
      head: { status: 'ok', handler: 'devices/list', orgId: principal.orgId, count: devices.length },
      key: 'devices',
      items: devices,
      view: (device) => deviceView(device, decideValidation(state, device.deviceId, now).code, this.liveness.lease(principal.orgId, device.deviceId)),
      tail: () => usageFields(state),
    });
  }

  @Post('revoke')
  @HttpCode(200)
  @RequireAdminKey()
  @ApiOperation({
    summary: 'Revoke a device; idempotent (result already_revoked); 404 device_not_found for an unknown one; with awaitAcks, answered once the runtime acknowledged (or the timeout passed)',
  })
  @ApiOkResponse({ type: DeviceCommandResponseDto.Output })
  async revoke(@Principal() principal: KeyPrincipal, @Body() body: RevokeDeviceDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.run(principal, { type: 'RevokeDevices', data: { deviceIds: [body.deviceId], reason: body.reason ?? '' } });
    const answer = this.single('devices/revoke', result);
    return { ...answer, ...(await this.awaitAcks.propagation(principal.orgId, result, result.requestId, body.awaitAcks, reply.raw)) };
  }

  @Post('unrevoke')
  @HttpCode(200)
  @RequireAdminKey()
  @ApiOperation({ summary: 'Restore a revoked device; 403 device_limit_reached at the cap' })
  @ApiOkResponse({ type: DeviceCommandResponseDto.Output })
  async unrevoke(@Principal() principal: KeyPrincipal, @Body() body: DeviceIdDto) {
    return this.single('devices/unrevoke', await this.run(principal, { type: 'RestoreDevices', data: { deviceIds: [body.deviceId] } }));
  }

  @Post('remove')
  @HttpCode(200)
  @RequireAdminKey()
  @ApiOperation({ summary: 'Forget a device (it may register again, as a new registration)' })
  @ApiOkResponse({ type: DeviceCommandResponseDto.Output })
  async remove(@Principal() principal: KeyPrincipal, @Body() body: DeviceIdDto) {
    return this.single('devices/remove', await this.run(principal, { type: 'RemoveDevices', data: { deviceIds: [body.deviceId] } }));
  }

  @Post('revoke_batch')
  @HttpCode(200)
  @RequireAdminKey()
  @ApiOperation({ summary: 'Revoke up to 1000 devices in one atomic append; with awaitAcks, answered once the runtimes acknowledged (or the timeout passed)' })
  @ApiOkResponse({ type: DeviceBatchResponseDto.Output })
  async revokeBatch(@Principal() principal: KeyPrincipal, @Body() body: RevokeBatchDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.run(principal, { type: 'RevokeDevices', data: { deviceIds: body.deviceIds, reason: body.reason ?? '' } });
    const answer = this.batch('devices/revoke_batch', result);
    return { ...answer, ...(await this.awaitAcks.propagation(principal.orgId, result, result.requestId, body.awaitAcks, reply.raw)) };
  }

  @Post('unrevoke_batch')
  @HttpCode(200)
  @RequireAdminKey()
  @ApiOperation({ summary: 'Restore devices in request order while the cap allows' })
  @ApiOkResponse({ type: DeviceBatchResponseDto.Output })
  async unrevokeBatch(@Principal() principal: KeyPrincipal, @Body() body: DeviceBatchDto) {
    return this.batch('devices/unrevoke_batch', await this.run(principal, { type: 'RestoreDevices', data: { deviceIds: body.deviceIds } }));
  }

  @Get('history')
  @RequireAdminKey()
  @AuditRead()
  @ApiOperation({ summary: "A device's control events, recorded decisions and acks, in ledger order" })
  @ApiOkResponse({ type: DeviceHistoryResponseDto.Output })
  async deviceHistory(@Principal() principal: KeyPrincipal, @Query() query: DeviceIdQueryDto, @Res() reply: FastifyReply, @QuerySignal() signal?: AbortSignal) {
    const events = await deviceHistory(this.ledger, principal.orgId, query.deviceId, { signal, ...this.auditIndex.searchOptions() });
    sendListAnswer(reply, { head: { status: 'ok', handler: 'devices/history', deviceId: query.deviceId }, key: 'events', items: events });
  }

  /** Runs a device command under a fresh request id (the events' correlation id, answered as request_id). */
  private async run(principal: KeyPrincipal, command: UnstampedCommand) {
    const requestId = this.ids.uuid();
    const result = await this.commands.execute(stampCommand(command, principal, this.clock), { correlationId: requestId });
    return { ...result, requestId };
  }

  /** Single-device answer: an unknown device is 404, unrevoke at the cap is 403 limit_reached. */
  private single(handler: string, result: Awaited<ReturnType<DevicesController['run']>>) {
    const { deviceId, outcome } = result.decision.outcomes[0]!;
    if (outcome === 'not_found') throw OrgErrors.deviceNotFound(deviceId);
    if (outcome === 'limit_reached') {
      throw new WardenError('refused', 'device_limit_reached', 'the org is at its device cap; revoke or remove a device, or raise the limit', {
        deviceId,
      });
    }
    return { status: 'ok', handler, deviceId, result: outcome, request_id: result.requestId, position: positionText(result.position), ...usageFields(result.state) };
  }

  private batch(handler: string, result: Awaited<ReturnType<DevicesController['run']>>) {
    const results = result.decision.outcomes.map(({ deviceId, outcome }) => ({ deviceId, result: outcome, ok: BATCH_OK.has(outcome) }));
    return { status: 'ok', handler, results, request_id: result.requestId, position: positionText(result.position), ...usageFields(result.state) };
  }
}

const BATCH_OK: ReadonlySet<DeviceOutcome> = new Set(['revoked', 'already_revoked', 'restored', 'not_revoked', 'removed']);
