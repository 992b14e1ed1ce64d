import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { deviceIdSchema, positionTextSchema } from './common.schemas';

/**
 * An ISO 8601 time, normalised to UTC (`…Z`, milliseconds): recorded times are compared with
 * it as text, and `2026-11-24T01:00:00+05:00` must sort as the 20:00Z it is, not after 23:00Z.
 */
const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' }).transform((text) => new Date(text).toISOString());
const position = positionTextSchema('must be a ledger position (decimal digits)');

export class AuditDecisionsQueryDto extends createZodDto(
  z.strictObject({
    deviceId: deviceIdSchema.optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    cursor: position.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  }),
) {}

export class AuditStateQueryDto extends createZodDto(
  z.strictObject({ at: z.union([isoTime, position], { error: 'at must be an ISO 8601 time or a ledger position' }) }),
) {}

export class AuditExportQueryDto extends createZodDto(z.strictObject({ from: isoTime.optional(), to: isoTime.optional() })) {}
