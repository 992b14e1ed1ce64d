import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiDefaultResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorBodyDto } from './common.responses';
import { LiftLockResponseDto, LockListResponseDto, PlaceLockResponseDto } from './locks.responses';
import { lockedDeviceCount, locksInForce, type LockSelector, type LockState, type OrgState } from '@warden/domain';
import { Clock, IdSource, OrgCommandService, stampCommand } from '@warden/enforcement';
import type { FastifyReply } from 'fastify';
import { AwaitAcks } from './await-acks';
import { PermissionProjection, type KeyPrincipal } from '@warden/projection';
import { AdminKeyEndpoint } from './auth/admin-key-endpoint.decorator';
import { Principal } from './auth/principal';
import { positionText } from './envelopes';
import { LockIdDto, PlaceLockDto } from './locks.schemas';

/**
 * Scoped kill switches (admin-scoped org key): a lock denies every device its selector
 * matches with DEVICE_LOCKED, devices registered later included, until it is lifted or its
 * `expiresAt` passes (decided with each decision's own time: no event, no push).
 */
@ApiTags('locks')
@Controller('api/v1/locks')
@AdminKeyEndpoint()
@ApiDefaultResponse({ type: ErrorBodyDto.Output, description: 'an error: `error` is a stable code' })
export class LocksController {
  constructor(
    private readonly commands: OrgCommandService,
    private readonly projection: PermissionProjection,
    private readonly ids: IdSource,
    private readonly clock: Clock,
    private readonly awaitAcks: AwaitAcks,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Place a lock on a device and/or labels (every label must match); answers its lockId and how many devices it denies now; with awaitAcks, once the locked runtimes acknowledged (or the timeout passed)',
  })
  @ApiOkResponse({ type: PlaceLockResponseDto.Output })
  async place(@Principal() principal: KeyPrincipal, @Body() body: PlaceLockDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const lockId = this.ids.uuid();
    const data = { lockId, selector: selectorOf(body.selector), reason: body.reason, expiresAt: body.expiresAt ?? null };
    const correlationId = this.ids.uuid();
    const result = await this.commands.execute(stampCommand({ type: 'PlaceLock', data }, principal, this.clock), { correlationId });
    const lock = result.state.locks.get(lockId)!;
    const answer = { status: 'ok', handler: 'locks', orgId: principal.orgId, ...lockView(result.state, lock), position: positionText(result.position) };
    return { ...answer, ...(await this.awaitAcks.propagation(principal.orgId, result, correlationId, body.awaitAcks, reply.raw)) };
  }

  @Get()
  @ApiOperation({ summary: 'The active locks of the org (timed locks past their time are gone), with how many devices each denies now' })
  @ApiOkResponse({ type: LockListResponseDto.Output })
  list(@Principal() principal: KeyPrincipal) {
    const state = this.projection.org(principal.orgId)!;
    const locks = locksInForce(state, Date.parse(this.clock.now())).map((lock) => lockView(state, lock));
    return { status: 'ok', handler: 'locks', orgId: principal.orgId, count: locks.length, locks, position: positionText(this.projection.position) };
  }

  @Post('remove')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift a lock; an unknown lock (or a timed one already past its time) is 404 lock_not_found' })
  @ApiOkResponse({ type: LiftLockResponseDto.Output })
  async remove(@Principal() principal: KeyPrincipal, @Body() body: LockIdDto) {
    const command = stampCommand({ type: 'LiftLock', data: { lockId: body.lockId } }, principal, this.clock);
    const result = await this.commands.execute(command, { correlationId: this.ids.uuid() });
    return { status: 'ok', handler: 'locks/remove', orgId: principal.orgId, lockId: body.lockId, position: positionText(result.position) };
  }
}

/** The selector as recorded: only the parts given, labels only when there are some. */
function selectorOf(selector: PlaceLockDto['selector']): LockSelector {
  const labels = selector.labels && Object.keys(selector.labels).length > 0 ? selector.labels : undefined;
  return { ...(selector.deviceId !== undefined ? { deviceId: selector.deviceId } : {}), ...(labels ? { labels } : {}) };
}

function lockView(state: OrgState, lock: LockState) {
  return {
    lockId: lock.lockId,
    selector: lock.selector,
    reason: lock.reason,
    expiresAt: lock.expiresAt,
    placedAt: lock.placedAt,
    actor: lock.actor,
    matched: lockedDeviceCount(state, lock.selector),
  };
}
