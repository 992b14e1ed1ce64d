import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { awaitAcksSchema, deviceIdSchema, deviceIdsSchema, labelsSchema, positionTextSchema, reasonSchema } from './common.schemas';

export class RegisterDeviceDto extends createZodDto(
  z.strictObject({ deviceId: deviceIdSchema, labels: labelsSchema.optional() }),
) {}

export class DeviceIdDto extends createZodDto(z.strictObject({ deviceId: deviceIdSchema })) {}

export class DeviceIdQueryDto extends createZodDto(z.object({ deviceId: deviceIdSchema })) {}

/** A ledger position a command answered: validate waits until this replica has reached it. */
export const consistencyTokenSchema = positionTextSchema('consistencyToken must be a position (decimal digits)');

export class ValidateDto extends createZodDto(
  z.strictObject({ deviceId: deviceIdSchema, consistencyToken: consistencyTokenSchema.optional() }),
) {}

export class ValidateQueryDto extends createZodDto(
  z.object({ deviceId: deviceIdSchema, consistencyToken: consistencyTokenSchema.optional() }),
) {}

export class RevokeDeviceDto extends createZodDto(
  z.strictObject({ deviceId: deviceIdSchema, reason: reasonSchema.optional(), awaitAcks: awaitAcksSchema.optional() }),
) {}

export class DeviceBatchDto extends createZodDto(
  z.strictObject({ deviceIds: deviceIdsSchema, reason: reasonSchema.optional() }),
) {}

export class RevokeBatchDto extends createZodDto(
  z.strictObject({ deviceIds: deviceIdsSchema, reason: reasonSchema.optional(), awaitAcks: awaitAcksSchema.optional() }),
) {}
