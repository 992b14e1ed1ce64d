import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { decisionCodeSchema, nullableString, positionSchema } from './common.responses';

export const decisionRecordSchema = z
  .strictObject({
    position: positionSchema,
    node: z.string().describe('the node that recorded it (its decisions-<nodeId> stream)'),
    decisionId: z.string(),
    orgId: z.string(),
    deviceId: z.string(),
    action: z.enum(['validate', 'register', 'heartbeat']),
    allowed: z.boolean(),
    code: decisionCodeSchema,
    orgRevision: z.number().int(),
    decidedAt: z.string(),
  })
  .meta({ id: 'DecisionRecord' });

export class DecisionPageResponseDto extends createZodDto(
  z.strictObject({
    status: z.literal('ok'),
    handler: z.literal('audit/decisions'),
    decisions: z.array(decisionRecordSchema),
    nextCursor: positionSchema.nullable().describe('pass as cursor for the next page; null when the end of the ledger was reached'),
  }),
) {}

export class ControlEventPageResponseDto extends createZodDto(
  z.strictObject({
    status: z.literal('ok'),
    handler: z.literal('audit/events'),
    events: z.array(
      z
        .strictObject({
          position: positionSchema,
          revision: z.string(),
          type: z.string().describe('OrgCreated, DeviceRevoked, LockPlaced, …'),
          at: z.string(),
          actor: z.string().describe('the key id that caused it, admin (the admin token) or system'),
          deviceId: nullableString('the device it concerns, if one'),
          data: z.record(z.string(), z.unknown()).describe('the event as stored (key hashes left out)'),
        })
        .meta({ id: 'ControlEvent' }),
    ),
    nextCursor: nullableString('pass as cursor for the next page (a revision of the org stream); null at the end'),
  }),
) {}

export class DecisionSummaryResponseDto extends createZodDto(
  z.strictObject({
    status: z.literal('ok'),
    handler: z.literal('audit/decisions/summary'),
    minutes: z.number().int(),
    from: z.string().describe('start of the first minute (inclusive)'),
    to: z.string().describe('end of the last minute (exclusive)'),
    buckets: z.array(
      z
        .strictObject({ at: z.string().describe('start of the minute'), counts: z.record(z.string(), z.number().int()).describe('decision code → decisions recorded in that minute') })
        .meta({ id: 'DecisionMinute' }),
    ),
    complete: z.boolean().describe('false when this node has not read the decision streams up to the ledger head yet (a bounded read per request): ask again'),
  }),
) {}
