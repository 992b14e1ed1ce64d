import type { DeviceLeaseExpired, OrgState } from '@warden/domain';
import type { RecordedEvent } from '@warden/ledger';
import type { DecisionTuple } from './decision-index';

/** A `DeviceLeaseExpired` the ledger does not justify. */
export interface UnjustifiedExpiry {
  readonly orgId: string;
  readonly deviceId: string;
  /** Ledger position of the expiry event, as a decimal string. */
  readonly position: string;
  readonly detail: string;
}

/**
 * Re-derives lease expiries from the ledger: an expiry at time T with TTL t is justified when
 * the device was active, its recorded `lastSeenAt` is at least t before T, and nothing recorded
 * before the expiry (its registration, or a decision record of a validation, heartbeat or
 * registration about it) shows a sign of life in (T - t, T]. Decisions are looked up per device,
 * indexed once per org on the first expiry.
 */
export class ExpiryCheck {
  readonly unjustified: UnjustifiedExpiry[] = [];
  private readonly byDevice = new Map<string, Map<string, DecisionTuple[]>>();

  constructor(private readonly buckets: ReadonlyMap<string, readonly DecisionTuple[]>) {}

  /** Checks one expiry against the org state it is about to be folded into. */
  check(state: OrgState, event: DeviceLeaseExpired, recorded: RecordedEvent): void {
    const { deviceId, lastSeenAt, ttlSeconds, at } = event.data;
    const atMs = Date.parse(at);
    const windowStart = atMs - ttlSeconds * 1000;
    const fail = (detail: string): void => {
      this.unjustified.push({ orgId: state.orgId, deviceId, position: recorded.position.toString(), detail: `${deviceId} expired at ${at}: ${detail}` });
    };
    const device = state.devices.get(deviceId);
    if (!device || device.status !== 'active') return fail(`it was not an active device (${device?.status ?? 'unknown'})`);
    if (state.leaseTtlSeconds === null) return fail('leases were off for the org');
    if (Date.parse(lastSeenAt) > windowStart) return fail(`its recorded lastSeenAt ${lastSeenAt} is within the TTL of ${ttlSeconds} s`);
    if (Date.parse(device.registeredAt) > windowStart) return fail(`it registered at ${device.registeredAt}, within the TTL`);
    for (const decision of this.decisionsOf(state.orgId, deviceId)) {
      if (decision.position >= recorded.position) break;
      if (decision.decidedAtMs > windowStart && decision.decidedAtMs <= atMs) {
        return fail(`a ${decision.action} (decision ${decision.decisionId}) was recorded at ${new Date(decision.decidedAtMs).toISOString()}, within the TTL`);
      }
    }
  }

  /** The org's decisions about one device, in ledger position order. */
  private decisionsOf(orgId: string, deviceId: string): readonly DecisionTuple[] {
    let devices = this.byDevice.get(orgId);
    if (!devices) {
      devices = new Map();
      for (const decision of this.buckets.get(orgId) ?? []) {
        const list = devices.get(decision.deviceId) ?? [];
        if (list.length === 0) devices.set(decision.deviceId, list);
        list.push(decision);
      }
      for (const list of devices.values()) list.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
      this.byDevice.set(orgId, devices);
    }
    return devices.get(deviceId) ?? [];
  }
}
