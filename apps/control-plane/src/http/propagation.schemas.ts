import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { deviceIdSchema, positionTextSchema } from './common.schemas';

const instantSchema = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone' });

/** A runtime's acknowledgement of a permission change it applied. */
export class AckDto extends createZodDto(
  z.strictObject({
    deviceId: deviceIdSchema,
    position: positionTextSchema('position must be a position (decimal digits)'),
    receivedAt: instantSchema,
    stoppedAt: instantSchema.optional(),
    transport: z.enum(['nats', 'sse']).optional(),
  }),
) {}

export class PropagationQueryDto extends createZodDto(
  z.object({ position: positionTextSchema('position must be a position (decimal digits)') }),
) {}
