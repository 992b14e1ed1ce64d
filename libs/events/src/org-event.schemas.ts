import type { OrgEvent, PermissionDecided } from '@warden/domain';
import { DECISION_CODES, MAX_DEVICE_LIMIT, MAX_LEASE_TTL_SECONDS, MIN_LEASE_TTL_SECONDS, PLAN_TIERS } from '@warden/domain';
import { z } from 'zod';

/**
 * zod schemas for events read back from the ledger: nothing enters the read model without
 * being parsed. Unknown event types are not an error (evolve ignores them); a known type
 * with a malformed payload is.
 */
const base = { orgId: z.string().min(1), at: z.string().min(1) };
const deviceId = z.string().min(1);
const actor = z.string();

const schemas = {
  OrgCreated: z.object({ ...base, name: z.string(), planTier: z.enum(PLAN_TIERS as [string, ...string[]]), limit: limitSchema() }),
  OrgKeyIssued: z.object({ ...base, keyId: z.string().min(1), keyHash: z.string().length(64), scope: z.enum(['admin', 'runtime']) }),
  OrgKeyRevoked: z.object({ ...base, keyId: z.string().min(1) }),
  DeviceLimitSet: z.object({ ...base, limit: limitSchema(), planTier: z.enum(PLAN_TIERS as [string, ...string[]]) }),
  OrgSuspended: z.object({ ...base, reason: z.string(), actor }),
  OrgResumed: z.object({ ...base, actor }),
  DeviceRegistered: z.object({ ...base, deviceId, labels: z.record(z.string(), z.string()) }),
  DeviceRevoked: z.object({ ...base, deviceId, reason: z.string(), actor }),
  DeviceRestored: z.object({ ...base, deviceId, actor }),
  DeviceRemoved: z.object({ ...base, deviceId, actor }),
  OrgPolicySet: z.object({ ...base, leaseTtlSeconds: z.number().int().min(MIN_LEASE_TTL_SECONDS).max(MAX_LEASE_TTL_SECONDS).nullable(), actor }),
  DeviceLeaseExpired: z.object({ ...base, deviceId, lastSeenAt: z.string().min(1), ttlSeconds: z.number().int().positive() }),
  LockPlaced: z.object({
    ...base,
    lockId: z.string().min(1),
    selector: z.object({ deviceId: deviceId.optional(), labels: z.record(z.string(), z.string()).optional() }),
    reason: z.string(),
    expiresAt: z.string().min(1).nullable(),
    actor,
  }),
  LockLifted: z.object({ ...base, lockId: z.string().min(1), actor }),
} as const;

function limitSchema() {
  return z.number().int().min(0).max(MAX_DEVICE_LIMIT);
}

export const permissionDecidedSchema = z.object({
  decisionId: z.string().min(1),
  orgId: z.string().min(1),
  deviceId,
  action: z.enum(['validate', 'register', 'heartbeat']),
  allowed: z.boolean(),
  code: z.enum(DECISION_CODES as [string, ...string[]]),
  orgRevision: z.number().int().min(-1),
  decidedAt: z.string().min(1),
});

/**
 * Parses a stored control event. Returns undefined for an unknown type; throws a ZodError
 * (wrapped by the caller) for a known type whose payload does not match.
 */
export function parseOrgEvent(type: string, data: unknown): OrgEvent | undefined {
  const schema = (schemas as Record<string, z.ZodType>)[type];
  if (!schema) return undefined;
  return { type, data: schema.parse(data) } as OrgEvent;
}

export function parsePermissionDecided(data: unknown): PermissionDecided {
  return { type: 'PermissionDecided', data: permissionDecidedSchema.parse(data) } as PermissionDecided;
}
