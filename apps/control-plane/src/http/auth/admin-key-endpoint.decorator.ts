import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { OrgKeyGuard } from './org-key.guard';
import { RequireAdminKey } from './principal';

/** An endpoint for admin-scoped org keys: authenticates `x-org-key` and refuses runtime keys with 403. */
export function AdminKeyEndpoint(): MethodDecorator & ClassDecorator {
  return applyDecorators(UseGuards(OrgKeyGuard), RequireAdminKey(), ApiHeader({ name: 'x-org-key', required: true }));
}
