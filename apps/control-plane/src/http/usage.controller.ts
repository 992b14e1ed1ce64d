import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import { Clock, LivenessTracker } from '@warden/enforcement';
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
