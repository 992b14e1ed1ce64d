import { z } from 'zod';

/**
 * Shared field schemas. A deviceId is 1-128 characters of letters, digits and . _ : @ / + = # ~ -
 * (no spaces, no control characters), so it is safe in logs, URLs and NATS subjects.
 */
export const DEVICE_ID_MAX = 128;
export const deviceIdSchema = z
  .string({ error: 'deviceId must be a string' })
  .min(1, 'deviceId must not be empty')
  .max(DEVICE_ID_MAX, `deviceId must be at most ${DEVICE_ID_MAX} characters`)
  .regex(/^[\p{L}\p{N}._:@/+=#~-]+$/u, 'deviceId may contain only letters, digits and . _ : @ / + = # ~ -');

export const reasonSchema = z.string().trim().max(500, 'reason must be at most 500 characters');

export const labelsSchema = z
  .record(z.string().min(1).max(64), z.string().max(256))
  .refine((labels) => Object.keys(labels).length <= 32, 'at most 32 labels');

export const BATCH_MAX = 1000;
export const deviceIdsSchema = z
  .array(deviceIdSchema)
  .min(1, 'deviceIds must name at least one device')
  .max(BATCH_MAX, `at most ${BATCH_MAX} deviceIds per batch`);

/**
 * A ledger position as a decimal string. Positions are signed 64-bit integers in every ledger
 * adapter (SQLite cannot even bind a larger one), so a bigger number is bad input, not a
 * position this or any replica could ever reach.
 */
export const POSITION_MAX = 2n ** 63n - 1n;
export const POSITION_TEXT = /^\d{1,20}$/;
export function positionTextSchema(message: string) {
  return z
    .string()
    .regex(POSITION_TEXT, message)
    .refine((text) => !POSITION_TEXT.test(text) || BigInt(text) <= POSITION_MAX, `${message}; at most ${POSITION_MAX}`);
}

/** The longest a kill command's answer may be held for acks. */
export const AWAIT_ACKS_MAX_MS = 30_000;

/**
 * `awaitAcks` on a kill command: hold the answer (the command is committed at once regardless)
 * until every target acknowledged the change or `timeoutMs` passed, then answer its propagation
 * report. Bad values are 400 invalid_request with field awaitAcks.timeoutMs.
 */
export const awaitAcksSchema = z
  .strictObject({
    timeoutMs: z
      .number({ error: 'awaitAcks.timeoutMs must be a number of milliseconds' })
      .int('awaitAcks.timeoutMs must be a whole number of milliseconds')
      .min(1, 'awaitAcks.timeoutMs must be at least 1')
      .max(AWAIT_ACKS_MAX_MS, `awaitAcks.timeoutMs must be at most ${AWAIT_ACKS_MAX_MS}`),
  })
  .describe('hold the answer until every target acknowledged the change, at most timeoutMs (1..30000); the answer then carries `propagation`');
