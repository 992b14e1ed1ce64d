import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { WardenError } from '@warden/domain';
import { NODE_IDENTITY } from '../../lifecycle/tokens';
import type { NodeIdentity } from '../../config/node-identity';
import type { AuthenticatedRequest } from './principal';

/**
 * Org creation needs the operator's admin token as `Authorization: Bearer <token>`,
 * compared in constant time (on sha256 digests, so lengths do not leak either).
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(NODE_IDENTITY) identity: NodeIdentity) {
    this.expected = digest(identity.adminToken);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<AuthenticatedRequest>().headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new WardenError('unauthorized', 'missing_admin_token', 'send the admin token as Authorization: Bearer <token>');
    if (!timingSafeEqual(digest(match[1]!), this.expected)) {
      throw new WardenError('unauthorized', 'invalid_admin_token', 'the admin token is not valid');
    }
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
