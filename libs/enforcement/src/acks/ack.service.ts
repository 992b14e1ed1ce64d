import { OrgErrors } from '@warden/domain';
import type { PermissionProjection } from '@warden/projection';
import type { Clock } from '../clock.port';
import type { DecisionRecorder } from '../decision-recorder';
import type { IdSource } from '../id-source.port';
import type { PropagationTracker } from './propagation-tracker';

/** A runtime's acknowledgement that it applied a permission change. */
export interface AckInput {
  deviceId: string;
  position: string;
  receivedAt: string;
  stoppedAt?: string;
  transport?: 'nats' | 'sse';
}

export interface AckResult {
  deviceId: string;
  position: string;
  duplicate: boolean;
}

/**
 * Records acks as `PermissionAcknowledged` audit facts in this node's `acks-<nodeId>` stream
 * (group-committed), once per device and position as far as this node knows: a repeat sent to
 * another replica in the same instant may be stored twice, so reports count devices, not records.
 */
export class AckService {
  constructor(
    private readonly projection: PermissionProjection,
    private readonly tracker: PropagationTracker,
    private readonly recorder: DecisionRecorder,
    private readonly clock: Clock,
    private readonly ids: IdSource,
  ) {}

  /** Resolves once the ack is durable (or was already); throws device_not_found, change_not_known, ack_not_expected. */
  async ack(orgId: string, actor: string, input: AckInput): Promise<AckResult> {
    const device = this.projection.org(orgId)?.devices.get(input.deviceId);
    if (!device) throw OrgErrors.deviceNotFound(input.deviceId);
    const change = this.tracker.expect(orgId, input.deviceId, input.position);
    const answer = { deviceId: input.deviceId, position: input.position };
    if (change.acks.has(input.deviceId)) return { ...answer, duplicate: true };
    const writing = change.writing.get(input.deviceId);
    if (writing) {
      await writing;
      return { ...answer, duplicate: true };
    }
    const recordedAt = this.clock.now();
    const data = {
      orgId,
      deviceId: input.deviceId,
      position: input.position,
      receivedAt: input.receivedAt,
      stoppedAt: input.stoppedAt ?? null,
      transport: input.transport ?? null,
      recordedAt,
    };
    const eventId = this.ids.uuid();
    const write = this.recorder.recordEvent({ eventId, type: 'PermissionAcknowledged', data, metadata: { actor, correlationId: eventId } });
    change.writing.set(input.deviceId, write);
    try {
      await write;
      this.tracker.recordAck(change, input.deviceId, Date.parse(recordedAt));
    } finally {
      change.writing.delete(input.deviceId);
    }
    return { ...answer, duplicate: false };
  }
}
