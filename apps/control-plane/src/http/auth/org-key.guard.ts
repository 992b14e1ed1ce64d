import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { WardenError } from '@warden/domain';
import { hashKey } from '@warden/enforcement';
import { PermissionProjection } from '@warden/projection';
import { REQUIRED_SCOPE, type AuthenticatedRequest } from './principal';

const MAX_KEY_LENGTH = 256;

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
    const key = request.headers['x-org-key'];
    if (typeof key !== 'string' || key.length === 0) {
      throw new WardenError('unauthorized', 'missing_key', 'send your org key in the x-org-key header');
    }
    const principal = key.length <= MAX_KEY_LENGTH ? this.projection.authenticate(hashKey(key)) : undefined;
    if (!principal) throw new WardenError('unauthorized', 'invalid_key', 'the org key is unknown or revoked');
    const required = this.reflector.getAllAndOverride<string | undefined>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()]);
    if (required === 'admin' && principal.scope !== 'admin') {
      throw new WardenError('refused', 'forbidden_scope', 'this needs an admin-scoped org key; runtime keys may only register, validate and watch');
    }
    request.principal = principal;
    return true;
  }
}
