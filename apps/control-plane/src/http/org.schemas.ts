import { MAX_DEVICE_LIMIT, PLAN_TIERS } from '@warden/domain';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { awaitAcksSchema, reasonSchema } from './common.schemas';

const standardTier = z.enum(['free', 'pro', 'scale', 'max']);

export class CreateOrgDto extends createZodDto(
  z.strictObject({ name: z.string().trim().max(200).optional(), planTier: standardTier.optional() }),
) {}

export class SuspendOrgDto extends createZodDto(z.strictObject({ reason: reasonSchema.optional(), awaitAcks: awaitAcksSchema.optional() })) {}


export class SetLimitsDto extends createZodDto(
  z
    .strictObject({
      limit: z.number().int().min(0).max(MAX_DEVICE_LIMIT).optional(),
      planTier: z.enum(PLAN_TIERS as [string, ...string[]]).optional(),
    })
    .refine((body) => body.limit !== undefined || body.planTier !== undefined, 'give a limit, a planTier, or both'),
) {}

export class IssueKeyDto extends createZodDto(z.strictObject({ scope: z.enum(['runtime', 'admin']) })) {}

export class RevokeKeyDto extends createZodDto(z.strictObject({ keyId: z.string().min(1).max(64) })) {}

/** Leases on with a TTL in seconds, or off (null). The range is the domain's (400 `invalid_lease_ttl` outside it). */
export class SetPolicyDto extends createZodDto(
  z.strictObject({ leaseTtlSeconds: z.number({ error: 'leaseTtlSeconds must be a number of seconds or null' }).nullable() }),
) {}
