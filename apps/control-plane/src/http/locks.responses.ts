import { createZodDto } from 'nestjs-zod';
import { awaitedPropagationShape } from './propagation.responses';
import { z } from 'zod';
import { labelsResponseSchema, nullableString, positionSchema } from './common.responses';

const lockViewShape = {
  lockId: z.string(),
  selector: z.strictObject({ deviceId: z.string().optional(), labels: labelsResponseSchema.optional() }).meta({ id: 'LockSelector' }),
  reason: z.string(),
  expiresAt: nullableString('when it lifts by itself; null: until lifted'),
  placedAt: z.string(),
  actor: z.string().describe('the key id that placed it'),
  matched: z.number().int().describe('the active devices it denies now'),
};

export class PlaceLockResponseDto extends createZodDto(
  z.strictObject({ status: z.literal('ok'), handler: z.literal('locks'), orgId: z.string(), ...lockViewShape, position: positionSchema, ...awaitedPropagationShape }),
) {}

export class LockListResponseDto extends createZodDto(
  z.strictObject({
    status: z.literal('ok'),
    handler: z.literal('locks'),
    orgId: z.string(),
    count: z.number().int(),
    locks: z.array(z.strictObject(lockViewShape).meta({ id: 'LockView' })),
    position: positionSchema,
  }),
) {}

export class LiftLockResponseDto extends createZodDto(
  z.strictObject({ status: z.literal('ok'), handler: z.literal('locks/remove'), orgId: z.string(), lockId: z.string(), position: positionSchema }),
) {}
