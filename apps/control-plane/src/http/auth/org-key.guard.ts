import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { WardenError } from '@warden/domain';
import { PermissionProjection } from '@warden/projection';
import { authenticateOrgKey } from './org-key.authenticator';
import { REQUIRED_SCOPE, type AuthenticatedRequest } from './principal';

/**
 * Authenticates the `x-org-key` header: the key is hashed and looked up among the active
 * keys of the projection (keys are never stored in plaintext). Routes marked
 * RequireAdminKey refuse runtime-scoped keys.
 */
@Injectable()
export class OrgKeyGuard implements CanActivate {
  constructor(
    private readonly projection: PermissionProjection,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = authenticateOrgKey(this.projection, request.headers['x-org-key']);
    const required = this.reflector.getAllAndOverride<string | undefined>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()]);
    if (required === 'admin' && principal.scope !== 'admin') {
      throw new WardenError('refused', 'forbidden_scope', 'this needs an admin-scoped org key; runtime keys may only register, validate and watch');
    }
    request.principal = principal;
    return true;
  }
}
