import { z } from 'zod';
import { deviceIdSchema, labelsSchema } from '../http/common.schemas';

/** NATS request/reply payloads: the key travels in the payload (NATS has no URL to leak it into). */
export const rpcValidateSchema = z.strictObject({ key: z.string().min(1).max(256), deviceId: deviceIdSchema });
export const rpcRegisterSchema = z.strictObject({ key: z.string().min(1).max(256), deviceId: deviceIdSchema, labels: labelsSchema.optional() });
export const rpcHeartbeatSchema = rpcValidateSchema;
