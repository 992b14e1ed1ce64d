import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { positionSchema } from './common.responses';

export class AckResponseDto extends createZodDto(
  z.strictObject({ status: z.literal('ok'), deviceId: z.string(), position: positionSchema, duplicate: z.boolean().describe('already acknowledged (not stored again)') }),
) {}

const latency = z.number().nullable();

/** Who acknowledged the permission change committed at a position (GET propagation, and kill commands with awaitAcks). */
export const propagationSchema = z
  .strictObject({
    position: positionSchema,
    eventType: z.string().describe('the event committed at the position; none when the command changed nothing'),
    committedAt: z.string(),
    targets: z.number().int().describe('devices the event changed that were live when it was pushed'),
    acked: z.number().int().describe('targets that acknowledged it'),
    pending: z.array(z.string()).describe('targets with no ack yet'),
    lagging: z.array(z.string()).describe('pending targets past WARDEN_ACK_DEADLINE_MS'),
    complete: z.boolean(),
    ackLatencyMs: z.strictObject({ p50: latency, p90: latency, p99: latency, max: latency }),
  })
  .meta({ id: 'Propagation' });

/** The `propagation` field a kill command answers when asked with `awaitAcks`. */
export const awaitedPropagationShape = {
  propagation: propagationSchema.optional().describe('with awaitAcks only: the report once every target acked, or when the timeout passed'),
};

export class PropagationResponseDto extends createZodDto(z.strictObject({ status: z.literal('ok'), propagation: propagationSchema })) {}
