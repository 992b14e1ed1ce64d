import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { WardenError } from '@warden/domain';
import { ConsistencyWaits } from '@warden/enforcement';
import { PermissionProjection } from '@warden/projection';
import type { FastifyReply } from 'fastify';
import { consistencyTokenOf, reachConsistencyToken } from '../../auth/consistency-wait';
import { authenticateOrgKey } from '../../auth/org-key.authenticator';
import { REQUIRED_SCOPE, type AuthenticatedRequest } from './principal';

/**
 * Authenticates the `x-org-key` header: the key is hashed and looked up among the active
 * keys of the projection (keys are never stored in plaintext), once the projection has
 * reached the request's consistency token, if it carries one (the token's one wait: handlers
 * do not wait again). Routes marked RequireAdminKey refuse runtime-scoped keys.
 */
@Injectable()
export class OrgKeyGuard implements CanActivate {
  constructor(
    private readonly projection: PermissionProjection,
    private readonly waits: ConsistencyWaits,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    await reachConsistencyToken(this.waits, consistencyTokenOf(request.body, request.query), http.getResponse<FastifyReply>().raw);
    const principal = authenticateOrgKey(this.projection, request.headers['x-org-key']);
    const required = this.reflector.getAllAndOverride<string | undefined>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()]);
    if (required === 'admin' && principal.scope !== 'admin') {
      throw new WardenError('refused', 'forbidden_scope', 'this needs an admin-scoped org key; runtime keys may only register, validate, heartbeat and watch');
    }
    request.principal = principal;
    return true;
  }
}
