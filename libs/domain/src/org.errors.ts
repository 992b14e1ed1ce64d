import { WardenError } from './warden-error';

/** Errors `decideOrg` throws when a command cannot apply to the org at all. */
export const OrgErrors = {
  orgNotFound: (orgId: string) => new WardenError('not-found', 'org_not_found', `org ${orgId} does not exist`),
  orgExists: (orgId: string) => new WardenError('conflict', 'org_exists', `org ${orgId} already exists`),
  deviceNotFound: (deviceId: string) =>
    new WardenError('not-found', 'device_not_found', `device ${deviceId} is not registered`, { deviceId }),
  keyNotFound: (keyId: string) => new WardenError('not-found', 'key_not_found', `key ${keyId} is not an active key of this org`),
  keyExists: (keyId: string) => new WardenError('conflict', 'key_exists', `key ${keyId} already exists`),
  lastAdminKey: (keyId: string) =>
    new WardenError('conflict', 'last_admin_key', `key ${keyId} is the org's last admin key; issue another admin key first`),
  invalidLimit: (message: string) => new WardenError('invalid', 'invalid_limit', message),
  invalidLeaseTtl: (message: string) => new WardenError('invalid', 'invalid_lease_ttl', message),
  invalidSelector: (message: string) => new WardenError('invalid', 'invalid_selector', message),
  invalidExpiry: (message: string) => new WardenError('invalid', 'invalid_expires_at', message),
  lockExists: (lockId: string) => new WardenError('conflict', 'lock_exists', `lock ${lockId} already exists`),
  lockNotFound: (lockId: string) => new WardenError('not-found', 'lock_not_found', `lock ${lockId} is not an active lock of this org`),
} as const;
