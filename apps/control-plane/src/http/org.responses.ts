import { createZodDto } from 'nestjs-zod';
import { awaitedPropagationShape } from './propagation.responses';
import { z } from 'zod';
import { nullableString, positionSchema, usageFieldsShape } from './common.responses';

const keyScopeSchema = z.enum(['admin', 'runtime']);

export class CreateOrgResponseDto extends createZodDto(
  z.strictObject({ status: z.literal('ok'), orgApiKey: z.string(), orgId: z.string(), keyId: z.string(), handler: z.literal('org_create'), ...usageFieldsShape }),
) {}

/** suspend, resume and limits: the org's usage after the change, and the position to wait for elsewhere. */
export class OrgChangeResponseDto extends createZodDto(
  z.strictObject({
    status: z.literal('ok'),
    handler: z.enum(['org/suspend', 'org/resume', 'org/limits']),
    orgId: z.string(),
    position: positionSchema,
    ...usageFieldsShape,
    ...awaitedPropagationShape,
  }),
) {}

export class PolicyResponseDto extends createZodDto(
  z.strictObject({
    status: z.literal('ok'),
    handler: z.literal('org/policy'),
    orgId: z.string(),
    leaseTtlSeconds: z.number().int().nullable(),
    position: positionSchema,
    ...usageFieldsShape,
  }),
) {}

export class OrgResponseDto extends createZodDto(
  z.strictObject({
    status: z.literal('ok'),
    handler: z.literal('org'),
    orgId: z.string(),
    name: z.string(),
    ...usageFieldsShape,
    suspendedReason: nullableString('the reason given when the org was suspended; null while active'),
    devicesAllowed: z.number().int().describe('devices that validate would allow now (active, not locked, within the cap, org not suspended)'),
    position: positionSchema,
  }),
) {}

export class IssueKeyResponseDto extends createZodDto(
  z.strictObject({ status: z.literal('ok'), handler: z.literal('org/keys'), key: z.string().describe('shown once'), keyId: z.string(), scope: keyScopeSchema }),
) {}

export class KeyListResponseDto extends createZodDto(
  z.strictObject({
    status: z.literal('ok'),
    handler: z.literal('org/keys/list'),
    orgId: z.string(),
    count: z.number().int(),
    keys: z.array(
      z
        .strictObject({
          keyId: z.string(),
          scope: keyScopeSchema,
          issuedAt: z.string(),
          current: z.boolean().describe('true for the key this request was made with'),
        })
        .meta({ id: 'KeyView' }),
    ),
  }),
) {}

export class RevokeKeyResponseDto extends createZodDto(z.strictObject({ status: z.literal('ok'), handler: z.literal('org/keys/revoke'), keyId: z.string() })) {}
