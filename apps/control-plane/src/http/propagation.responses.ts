import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { positionSchema } from './common.responses';

export class AckResponseDto extends createZodDto(
  z.strictObject({ status: z.literal('ok'), deviceId: z.string(), position: positionSchema, duplicate: z.boolean().describe('already acknowledged (not stored again)') }),
) {}

const latency = z.number().nullable();

export class PropagationResponseDto extends createZodDto(
  z.strictObject({
    status: z.literal('ok'),
    propagation: z
      .strictObject({
        position: positionSchema,
        eventType: z.string(),
        committedAt: z.string(),
        targets: z.number().int().describe('devices the event changed that were live when it was pushed'),
        acked: z.number().int().describe('targets that acknowledged it'),
        pending: z.array(z.string()).describe('targets with no ack yet'),
        lagging: z.array(z.string()).describe('pending targets past WARDEN_ACK_DEADLINE_MS'),
        complete: z.boolean(),
        ackLatencyMs: z.strictObject({ p50: latency, p90: latency, p99: latency, max: latency }),
      })
      .meta({ id: 'Propagation' }),
  }),
) {}
