import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { DECISION_CODES } from '@warden/domain';
import { deviceIdSchema, POSITION_MAX, POSITION_TEXT, positionTextSchema } from './common.schemas';
import { SUMMARY_MAX_MINUTES } from './decision-summary.reader';

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
    code: z.enum(DECISION_CODES as [string, ...string[]]).optional().describe('only decisions with this code'),
    allowed: z
      .enum(['true', 'false'])
      .transform((text) => text === 'true')
      .optional()
      .describe('only allowed (true) or denied (false) decisions'),
    cursor: position.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  }),
) {}

export class AuditEventsQueryDto extends createZodDto(
  z.strictObject({
    deviceId: deviceIdSchema.optional().describe('only events about this device'),
    from: isoTime.optional(),
    to: isoTime.optional(),
    // Read from cursor + 1: a revision beyond what the ledger can bind is bad input (400), not a 503.
    cursor: positionTextSchema('cursor must be a revision (decimal digits)')
      .refine((text) => !POSITION_TEXT.test(text) || BigInt(text) < POSITION_MAX, `cursor must be below ${POSITION_MAX}`)
      .optional()
      .describe('the nextCursor of the previous page'),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  }),
) {}

export class DecisionSummaryQueryDto extends createZodDto(
  z.strictObject({ minutes: z.coerce.number().int().min(1).max(SUMMARY_MAX_MINUTES).default(15).describe(`1 to ${SUMMARY_MAX_MINUTES}`) }),
) {}

export class AuditStateQueryDto extends createZodDto(
  z.strictObject({ at: z.union([isoTime, position], { error: 'at must be an ISO 8601 time or a ledger position' }) }),
) {}

export class AuditExportQueryDto extends createZodDto(z.strictObject({ from: isoTime.optional(), to: isoTime.optional() })) {}
