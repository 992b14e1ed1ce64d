import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { KeyPrincipal } from '@warden/projection';

export const REQUIRED_SCOPE = 'warden:required-scope';

/** Marks a route (or controller) as needing an admin-scoped org key. */
export const RequireAdminKey = () => SetMetadata(REQUIRED_SCOPE, 'admin');

export interface AuthenticatedRequest {
  principal?: KeyPrincipal;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  query?: unknown;
}

/** The caller's key principal, set by OrgKeyGuard. */
export const Principal = createParamDecorator(
  (_: unknown, context: ExecutionContext): KeyPrincipal => context.switchToHttp().getRequest<AuthenticatedRequest>().principal!,
);
