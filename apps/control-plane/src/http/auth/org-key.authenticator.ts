import { WardenError } from '@warden/domain';
import { hashKey } from '@warden/enforcement';
import type { KeyPrincipal, PermissionProjection } from '@warden/projection';

const MAX_KEY_LENGTH = 256;

/**
 * Authenticates a presented `x-org-key` header value: the key is hashed and looked up among
 * the active keys of the projection (keys are never stored in plaintext). Throws
 * `missing_key` / `invalid_key` (401). Shared by OrgKeyGuard and the direct validate route.
 */
export function authenticateOrgKey(projection: PermissionProjection, key: string | string[] | undefined): KeyPrincipal {
  if (typeof key !== 'string' || key.length === 0) {
    throw new WardenError('unauthorized', 'missing_key', 'send your org key in the x-org-key header');
  }
  const principal = key.length <= MAX_KEY_LENGTH ? projection.authenticate(hashKey(key)) : undefined;
  if (!principal) throw new WardenError('unauthorized', 'invalid_key', 'the org key is unknown or revoked');
  return principal;
}
