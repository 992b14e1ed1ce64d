import { initialOrgState, type DeviceState, type KeyState, type OrgState } from '@warden/domain';

/** A device as a tuple: a million of them are a snapshot's bulk, and keys named on each would double it. */
type EncodedDevice = [deviceId: string, revoked: 0 | 1, order: number, registeredAt: string, labels: DeviceState['labels'] | 0, revokedAt?: string, revokedReason?: string];

export interface EncodedOrgState {
  readonly orgId: string;
  readonly exists: boolean;
  readonly name: string;
  readonly planTier: OrgState['planTier'];
  readonly limit: number;
  readonly suspended: boolean;
  readonly suspendedReason?: string;
  readonly revision: number;
  readonly nextOrder: number;
  readonly keys: readonly KeyState[];
  readonly devices: readonly EncodedDevice[];
}

const NO_LABELS = Object.freeze({}) as DeviceState['labels'];

/** An org's state as plain JSON (device order kept: it is the registration order). */
export function encodeOrgState(state: OrgState): EncodedOrgState {
  const devices: EncodedDevice[] = [];
  for (const d of state.devices.values()) {
    const labels = Object.keys(d.labels).length === 0 ? 0 : d.labels;
    const tuple: EncodedDevice = [d.deviceId, d.status === 'revoked' ? 1 : 0, d.order, d.registeredAt, labels];
    if (d.status === 'revoked') tuple.push(d.revokedAt ?? '', d.revokedReason ?? '');
    devices.push(tuple);
  }
  const { orgId, exists, name, planTier, limit, suspended, suspendedReason, revision, nextOrder } = state;
  return { orgId, exists, name, planTier, limit, suspended, suspendedReason, revision, nextOrder, keys: [...state.keys.values()], devices };
}

/** The inverse of encodeOrgState; `activeCount` is recounted, devices without labels share one frozen `{}`. */
export function decodeOrgState(encoded: EncodedOrgState): OrgState {
  const state = initialOrgState(encoded.orgId);
  Object.assign(state, {
    exists: encoded.exists,
    name: encoded.name,
    planTier: encoded.planTier,
    limit: encoded.limit,
    suspended: encoded.suspended,
    suspendedReason: encoded.suspendedReason,
    revision: encoded.revision,
    nextOrder: encoded.nextOrder,
  });
  for (const key of encoded.keys) state.keys.set(key.keyId, key);
  for (const [deviceId, revoked, order, registeredAt, labels, revokedAt, revokedReason] of encoded.devices) {
    const device: DeviceState = { deviceId, status: revoked ? 'revoked' : 'active', labels: labels === 0 ? NO_LABELS : labels, registeredAt, order };
    if (revoked) {
      device.revokedAt = revokedAt;
      device.revokedReason = revokedReason;
    } else {
      state.activeCount++;
    }
    state.devices.set(deviceId, device);
  }
  return state;
}
