import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import { PermissionProjection, type KeyPrincipal } from '@warden/projection';
import { OrgKeyGuard } from './auth/org-key.guard';
import { Principal, RequireAdminKey } from './auth/principal';
import { usageFields } from './envelopes';

@ApiTags('usage')
@ApiHeader({ name: 'x-org-key', required: true })
@Controller('api/v1/usage')
@UseGuards(OrgKeyGuard)
export class UsageController {
  constructor(private readonly projection: PermissionProjection) {}

  @Get()
  @RequireAdminKey()
  usage(@Principal() principal: KeyPrincipal) {
    const state = this.projection.org(principal.orgId)!;
    let revoked = 0;
    for (const device of state.devices.values()) if (device.status === 'revoked') revoked++;
    return { status: 'ok', handler: 'usage', orgId: principal.orgId, ...usageFields(state), devicesRevoked: revoked, devicesTotal: state.devices.size };
  }
}
