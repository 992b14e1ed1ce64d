import { WardenError } from '@warden/domain';
import { hashKey } from '@warden/enforcement';
import type { KeyPrincipal, PermissionProjection } from '@warden/projection';

/** Longest key accepted: longer ones are refused unhashed (keys issued here are far shorter). */
export const MAX_KEY_LENGTH = 256;

/**
 * The sha256 of a presented key (`x-org-key` header on HTTP, `key` field on NATS): what keys
 * are stored and looked up by. Throws `missing_key` for no key (or not a string) and
 * `invalid_key` for one longer than MAX_KEY_LENGTH, which is never hashed.
 */
export function presentedKeyHash(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new WardenError('unauthorized', 'missing_key', 'send your org key in the x-org-key header (over NATS: the key field)');
  }
  if (key.length > MAX_KEY_LENGTH) throw invalidKey();
  return hashKey(key);
}

/** The principal of an active key, by its hash; throws `invalid_key` (401) for an unknown or revoked one. */
export function principalOfKeyHash(projection: PermissionProjection, keyHash: string): KeyPrincipal {
  const principal = projection.authenticate(keyHash);
  if (!principal) throw invalidKey();
  return principal;
}

/**
 * Authenticates a presented key: hashed once and looked up among the active keys of the
 * projection (keys are never stored in plaintext). Throws `missing_key` / `invalid_key`
 * (401). The one authenticator of every transport (OrgKeyGuard, the validate handler, NATS
 * request/reply), so that each has the same length cap, messages and codes.
 */
export function authenticateOrgKey(projection: PermissionProjection, key: unknown): KeyPrincipal {
  return principalOfKeyHash(projection, presentedKeyHash(key));
}

function invalidKey(): WardenError {
  return new WardenError('unauthorized', 'invalid_key', 'the org key is unknown or revoked');
}
