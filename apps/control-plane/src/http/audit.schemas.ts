import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { deviceIdSchema } from './common.schemas';

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' });
const position = z.string().regex(/^\d{1,20}$/, 'must be a ledger position (decimal digits)');

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
