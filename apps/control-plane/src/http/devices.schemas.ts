import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { deviceIdSchema, deviceIdsSchema, labelsSchema, reasonSchema } from './common.schemas';

export class RegisterDeviceDto extends createZodDto(
  z.strictObject({ deviceId: deviceIdSchema, labels: labelsSchema.optional() }),
) {}

export class DeviceIdDto extends createZodDto(z.strictObject({ deviceId: deviceIdSchema })) {}

export class DeviceIdQueryDto extends createZodDto(z.object({ deviceId: deviceIdSchema })) {}

export class RevokeDeviceDto extends createZodDto(
  z.strictObject({ deviceId: deviceIdSchema, reason: reasonSchema.optional() }),
) {}

export class DeviceBatchDto extends createZodDto(
  z.strictObject({ deviceIds: deviceIdsSchema, reason: reasonSchema.optional() }),
) {}
