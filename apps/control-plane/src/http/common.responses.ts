import { DECISION_CODES, PLAN_TIERS } from '@warden/domain';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/**
 * Response schemas, for the OpenAPI document only (`@ApiOkResponse({ type: Dto.Output })`):
 * they describe what the handlers answer and never run on an answer, so documenting a route
 * changes nothing it sends. test/console/openapi-responses.e2e-spec.ts parses real answers
 * with them, so a schema that drifts from its route fails there.
 */
export const decisionCodeSchema = z.enum(DECISION_CODES as [string, ...string[]]).meta({ id: 'DecisionCode' });
export const planTierSchema = z.enum(PLAN_TIERS as [string, ...string[]]).meta({ id: 'PlanTier' });
/** A ledger position as a decimal string (positions may exceed 2^53). */
export const positionSchema = z.string().describe('a ledger position, as a decimal string');
export const labelsResponseSchema = z.record(z.string(), z.string());

/**
 * A string or null. Written as `anyOf` (the description on the string makes zod keep it):
 * zod's shorter `type: ["string", "null"]` on a top-level property of a DTO is read by
 * @nestjs/swagger as an array of strings.
 */
export function nullableString(description: string) {
  return z.string().describe(description).nullable();
}

/** The MachineID-compatible usage fields several envelopes carry (envelopes.ts usageFields). */
export const usageFieldsShape = {
  planTier: planTierSchema,
  planState: z.enum(['active', 'suspended']),
  accessUntil: z.null(),
  limit: z.number().int(),
  devicesUsed: z.number().int().describe('active devices: the seats taken'),
  remaining: z.number().int(),
  overLimit: z.boolean().describe('true when no further device fits (at or over the cap)'),
  softGraceWindow: z.boolean(),
};

/** Every error answer: a stable `error` code and a human `message`, sometimes with details (`field`, `deviceId`). */
export class ErrorBodyDto extends createZodDto(
  z.looseObject({ status: z.literal('error'), error: z.string(), message: z.string() }),
) {}

export class UsageResponseDto extends createZodDto(
  z.strictObject({
    status: z.literal('ok'),
    handler: z.literal('usage'),
    orgId: z.string(),
    ...usageFieldsShape,
    devicesRevoked: z.number().int(),
    devicesTotal: z.number().int(),
    leaseTtlSeconds: z.number().int().nullable().describe('the lease TTL of the org; null with leases off'),
    devicesLive: z.number().int().nullable().describe('active devices whose lease has not lapsed, as this node sees them; null with leases off'),
  }),
) {}

/** One permission message, as pushed over SSE (the data of each `permission` event) and NATS. */
export class PermissionMessageDto extends createZodDto(
  z.strictObject({
    orgId: z.string(),
    deviceId: nullableString('the device; null for an org-level message (suspend, resume)'),
    allowed: z.boolean(),
    code: decisionCodeSchema,
    position: positionSchema,
    eventId: z.string(),
    at: z.string(),
  }),
) {}
