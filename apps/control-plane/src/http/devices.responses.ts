import { createZodDto } from 'nestjs-zod';
import { awaitedPropagationShape } from './propagation.responses';
import { z } from 'zod';
import { decisionCodeSchema, labelsResponseSchema, nullableString, positionSchema, usageFieldsShape } from './common.responses';

export const deviceViewSchema = z
  .strictObject({
    deviceId: z.string(),
    status: z.enum(['active', 'revoked', 'expired']),
    allowed: z.boolean(),
    code: decisionCodeSchema.describe('what validate would answer now'),
    labels: labelsResponseSchema,
    registeredAt: z.string(),
    revokedAt: nullableString('when it was revoked; null unless revoked'),
    revokedReason: nullableString('the reason given with the revoke; null unless revoked'),
    lastSeenAt: nullableString("the device's last sign of life this node knows of; null with leases off"),
    leaseExpiresAt: nullableString('when its lease lapses unless it shows life again; null with leases off'),
  })
  .meta({ id: 'DeviceView' });

export class DeviceListResponseDto extends createZodDto(
  z.strictObject({
    status: z.literal('ok'),
    handler: z.literal('devices/list'),
    orgId: z.string(),
    count: z.number().int(),
    devices: z.array(deviceViewSchema),
    ...usageFieldsShape,
  }),
) {}

const outcomeSchema = z.enum(['registered', 'exists', 'limit_reached', 'suspended', 'revoked', 'already_revoked', 'restored', 'not_revoked', 'removed', 'not_found']);

export class DeviceCommandResponseDto extends createZodDto(
  z.strictObject({
    status: z.literal('ok'),
    handler: z.enum(['devices/revoke', 'devices/unrevoke', 'devices/remove']),
    deviceId: z.string(),
    result: outcomeSchema,
    request_id: z.string(),
    position: positionSchema,
    ...usageFieldsShape,
    ...awaitedPropagationShape,
  }),
) {}

export class DeviceBatchResponseDto extends createZodDto(
  z.strictObject({
    status: z.literal('ok'),
    handler: z.enum(['devices/revoke_batch', 'devices/unrevoke_batch']),
    results: z.array(z.strictObject({ deviceId: z.string(), result: outcomeSchema, ok: z.boolean() })),
    request_id: z.string(),
    position: positionSchema,
    ...usageFieldsShape,
    ...awaitedPropagationShape,
  }),
) {}

export class DeviceHistoryResponseDto extends createZodDto(
  z.strictObject({
    status: z.literal('ok'),
    handler: z.literal('devices/history'),
    deviceId: z.string(),
    events: z.array(
      z
        .strictObject({
          position: positionSchema,
          streamId: z.string().describe('org-<orgId> for a control event, decisions-<nodeId> for a decision record, acks-<nodeId> for an ack'),
          revision: z.string(),
          type: z.string().describe('the control event type, PermissionDecided, or PermissionAcknowledged'),
          at: z.string().describe("the event's at, the decision's decidedAt, or the ack's recordedAt"),
          actor: z.string().describe('who wrote it: a key id, admin or system'),
          data: z
            .record(z.string(), z.unknown())
            .describe(
              'the record as stored; an ack (PermissionAcknowledged) has position (the change it acknowledges), receivedAt, stoppedAt (null unless it stopped), transport (null when not said) and recordedAt',
            ),
        })
        .meta({ id: 'HistoryEntry' }),
    ),
  }),
) {}

/** What validate answers (POST, and the legacy GET adds valid and revoked). */
export const validateResponseShape = {
  orgId: z.string(),
  allowed: z.boolean(),
  code: decisionCodeSchema,
  request_id: z.string(),
  status: z.string().describe('legacy MachineID status: ok, revoked, suspended, …'),
  reason: z.string(),
  deviceId: z.string(),
  position: positionSchema,
  handler: z.literal('devices/validate'),
  leaseTtlSeconds: z.number().int().optional().describe('the org lease TTL, only when leases are on (the SDK heartbeats at a third of it)'),
};

export class ValidateResponseDto extends createZodDto(z.strictObject(validateResponseShape)) {}

export class LegacyValidateResponseDto extends createZodDto(
  z.strictObject({ ...validateResponseShape, valid: z.boolean(), revoked: z.boolean() }),
) {}

export class RegisterResponseDto extends createZodDto(
  z.strictObject({
    status: z.enum(['ok', 'exists', 'limit_reached', 'revoked', 'suspended']),
    handler: z.literal('devices/register'),
    deviceId: z.string(),
    orgId: z.string(),
    position: positionSchema,
    ...usageFieldsShape,
    leaseTtlSeconds: z.number().int().optional().describe('the org lease TTL, only when leases are on'),
    error: z.string().optional().describe('on a refusal (403): device_limit_reached, device_revoked, org_suspended'),
    request_id: z.string().optional(),
  }),
) {}
