import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { awaitAcksSchema, deviceIdSchema, labelsSchema, reasonSchema } from './common.schemas';

/**
 * Which devices a lock stops: a deviceId, labels (every one must match), or both. Both
 * optional here; a selector naming nothing is refused by the domain with invalid_selector
 * (to stop the whole org, suspend it).
 */
const lockSelectorSchema = z
  .strictObject({ deviceId: deviceIdSchema.optional(), labels: labelsSchema.optional() })
  .describe('the devices to stop: a deviceId, labels (a device must carry every one), or both; not empty');

/**
 * When a timed lock lifts by itself: an ISO 8601 time with a zone, normalised to UTC. Whether
 * it is in the future and at most a year ahead is decided against the command's own time
 * (invalid_expires_at); null or absent: until lifted.
 */
const expiresAtSchema = z.iso
  .datetime({ offset: true, error: 'expiresAt must be an ISO 8601 time with a zone, e.g. 2030-01-02T03:04:05Z' })
  .transform((text) => new Date(text).toISOString())
  .describe('when the lock lifts by itself (in the future, at most a year ahead); absent or null: until removed');

export class PlaceLockDto extends createZodDto(
  z.strictObject({
    selector: lockSelectorSchema,
    reason: reasonSchema.min(1, 'reason must not be empty').describe('why: shown in the lock list'),
    expiresAt: expiresAtSchema.nullish(),
    awaitAcks: awaitAcksSchema.optional(),
  }),
) {}

export class LockIdDto extends createZodDto(z.strictObject({ lockId: z.string().min(1).max(64).describe('the lockId POST locks answered') })) {}
