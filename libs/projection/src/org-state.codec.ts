import { initialOrgState, type DeviceState, type KeyState, type LockState, type OrgState } from '@warden/domain';

/** Device status in a tuple: 0 active, 1 revoked, 2 expired (its lease lapsed). */
type EncodedStatus = 0 | 1 | 2;
const STATUS_CODES: Readonly<Record<DeviceState['status'], EncodedStatus>> = { active: 0, revoked: 1, expired: 2 };
const STATUSES: readonly DeviceState['status'][] = ['active', 'revoked', 'expired'];

/**
 * A device as a tuple: a million of them are a snapshot's bulk, and keys named on each would
 * double it. A revoked device adds revokedAt and revokedReason, an expired one expiredAt.
 */
type EncodedDevice = [deviceId: string, status: EncodedStatus, order: number, registeredAt: string, labels: DeviceState['labels'] | 0, ...since: string[]];

/** A lock without its parsed expiry (recomputed on decode: an infinite one is no JSON). */
type EncodedLock = Omit<LockState, 'expiresAtMs'>;

export interface EncodedOrgState {
  readonly orgId: string;
  readonly exists: boolean;
  readonly name: string;
  readonly planTier: OrgState['planTier'];
  readonly limit: number;
  readonly suspended: boolean;
  readonly suspendedReason?: string;
  readonly leaseTtlSeconds: number | null;
  readonly locks: readonly EncodedLock[];
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
    const tuple: EncodedDevice = [d.deviceId, STATUS_CODES[d.status], d.order, d.registeredAt, labels];
    if (d.status === 'revoked') tuple.push(d.revokedAt ?? '', d.revokedReason ?? '');
    if (d.status === 'expired') tuple.push(d.expiredAt ?? '');
    devices.push(tuple);
  }
  const { orgId, exists, name, planTier, limit, suspended, suspendedReason, leaseTtlSeconds, revision, nextOrder } = state;
  const locks = [...state.locks.values()].map(({ expiresAtMs: _parsed, ...lock }) => lock);
  return { orgId, exists, name, planTier, limit, suspended, suspendedReason, leaseTtlSeconds, locks, revision, nextOrder, keys: [...state.keys.values()], devices };
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
    leaseTtlSeconds: encoded.leaseTtlSeconds,
    revision: encoded.revision,
    nextOrder: encoded.nextOrder,
  });
  for (const key of encoded.keys) state.keys.set(key.keyId, key);
  for (const lock of encoded.locks) {
    state.locks.set(lock.lockId, { ...lock, expiresAtMs: lock.expiresAt === null ? Number.POSITIVE_INFINITY : Date.parse(lock.expiresAt) });
  }
  for (const [deviceId, code, order, registeredAt, labels, since, reason] of encoded.devices) {
    const status = STATUSES[code]!;
    const device: DeviceState = { deviceId, status, labels: labels === 0 ? NO_LABELS : labels, registeredAt, order };
    if (status === 'revoked') {
      device.revokedAt = since;
      device.revokedReason = reason;
    } else if (status === 'expired') {
      device.expiredAt = since;
    } else {
      state.activeCount++;
    }
    state.devices.set(deviceId, device);
  }
  return state;
}
