import { z } from 'zod';

/**
 * A runtime's acknowledgement of a permission change, as AckService records it in an
 * `acks-<nodeId>` stream: the device, the ledger position of the change it applied (decimal),
 * when the runtime got it, when it stopped (a deny, null otherwise), the transport it came by
 * (`nats`, `sse`…; null when the runtime did not say) and when the control plane recorded the ack.
 */
export const permissionAcknowledgedSchema = z.object({
  orgId: z.string().min(1),
  deviceId: z.string().min(1),
  position: z.string().regex(/^\d+$/),
  receivedAt: z.string().min(1),
  stoppedAt: z.string().min(1).nullable(),
  transport: z.string().min(1).nullable(),
  recordedAt: z.string().min(1),
});

/** The payload of a stored `PermissionAcknowledged`. */
export type PermissionAcknowledgedData = z.infer<typeof permissionAcknowledgedSchema>;

/** Parses a stored ack payload; throws a ZodError when it does not match. */
export function parsePermissionAcknowledged(data: unknown): PermissionAcknowledgedData {
  return permissionAcknowledgedSchema.parse(data);
}
