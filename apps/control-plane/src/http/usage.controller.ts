import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiDefaultResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Clock, LivenessTracker } from '@warden/enforcement';
import { ErrorBodyDto, UsageResponseDto } from './common.responses';
import { PermissionProjection, type KeyPrincipal } from '@warden/projection';
import { OrgKeyGuard } from './auth/org-key.guard';
import { Principal, RequireAdminKey } from './auth/principal';
import { usageFields } from './envelopes';

@ApiTags('usage')
@ApiHeader({ name: 'x-org-key', required: true })
@Controller('api/v1/usage')
@UseGuards(OrgKeyGuard)
export class UsageController {
  constructor(
    private readonly projection: PermissionProjection,
    private readonly liveness: LivenessTracker,
    private readonly clock: Clock,
  ) {}

  @Get()
  @RequireAdminKey()
  @ApiOperation({ summary: "The org's plan, cap and device counts" })
  @ApiOkResponse({ type: UsageResponseDto.Output })
  @ApiDefaultResponse({ type: ErrorBodyDto.Output, description: 'an error: `error` is a stable code' })
  usage(@Principal() principal: KeyPrincipal) {
    const state = this.projection.org(principal.orgId)!;
    let revoked = 0;
    for (const device of state.devices.values()) if (device.status === 'revoked') revoked++;
    // devicesLive: active devices whose lease has not lapsed, as this node sees them (null with leases off).
    const devicesLive = state.leaseTtlSeconds === null ? null : this.liveness.liveCount(principal.orgId, Date.parse(this.clock.now()));
    return {
      status: 'ok',
      handler: 'usage',
      orgId: principal.orgId,
      ...usageFields(state),
      devicesRevoked: revoked,
      devicesTotal: state.devices.size,
      leaseTtlSeconds: state.leaseTtlSeconds,
      devicesLive,
    };
  }
}
