import { DecisionCode, type Verdict } from './decision-codes';
import type { LockSelector } from './org.events';
import type { DeviceState, OrgState } from './org.state';

const ALLOW: Verdict = Object.freeze({ allowed: true, code: DecisionCode.Allow });
const NOT_REGISTERED: Verdict = Object.freeze({ allowed: false, code: DecisionCode.DeviceNotRegistered });
const REVOKED: Verdict = Object.freeze({ allowed: false, code: DecisionCode.DeviceRevoked });
const SUSPENDED: Verdict = Object.freeze({ allowed: false, code: DecisionCode.OrgSuspended });
const LIMIT_EXCEEDED: Verdict = Object.freeze({ allowed: false, code: DecisionCode.LimitExceeded });
const LEASE_EXPIRED: Verdict = Object.freeze({ allowed: false, code: DecisionCode.LeaseExpired });
const LOCKED: Verdict = Object.freeze({ allowed: false, code: DecisionCode.DeviceLocked });

/**
 * Validate: may this device work now? A pure function of the org state and the decision's
 * own time `atMs` (epoch ms; a timed lock lifts by it, so replay gives the same answer).
 * Checks go from the device's identity outwards, each code telling the operator what to do:
 * - DEVICE_NOT_REGISTERED: register it;
 * - DEVICE_REVOKED / LEASE_EXPIRED: the device's own status (exclusive: one status at a time);
 *   restore it, or (expired) let the runtime register again;
 * - ORG_SUSPENDED: the org-wide kill switch outranks a lock, whose scope is smaller;
 * - DEVICE_LOCKED: a deliberate stop of a group, before the cap, which is accounting;
 * - LIMIT_EXCEEDED: beyond the cap by registration order.
 * Verdicts are shared frozen constants, so the hot path allocates nothing.
 */
export function decideValidation(state: OrgState | undefined, deviceId: string, atMs: number): Verdict {
  const device = state?.exists ? state.devices.get(deviceId) : undefined;
  if (!state || !device) return NOT_REGISTERED;
  if (device.status === 'revoked') return REVOKED;
  if (device.status === 'expired') return LEASE_EXPIRED;
  if (state.suspended) return SUSPENDED;
  if (state.locks.size > 0 && isLocked(state, device, atMs)) return LOCKED;
  if (state.activeCount > state.limit && devicesBeyondCap(state).has(deviceId)) return LIMIT_EXCEEDED;
  return ALLOW;
}

/** Whether a lock in force at `atMs` matches the device. */
export function isLocked(state: OrgState, device: DeviceState, atMs: number): boolean {
  for (const lock of state.locks.values()) {
    if (lock.expiresAtMs > atMs && lockMatches(lock.selector, device)) return true;
  }
  return false;
}

/** A selector matches when its deviceId (if any) is the device's and every label it names has the same value. */
export function lockMatches(selector: LockSelector, device: Pick<DeviceState, 'deviceId' | 'labels'>): boolean {
  if (selector.deviceId !== undefined && selector.deviceId !== device.deviceId) return false;
  if (selector.labels) {
    for (const key in selector.labels) if (device.labels[key] !== selector.labels[key]) return false;
  }
  return true;
}

/**
 * The active devices beyond the cap: when a cap is lowered below the active count, the
 * newest registrations (by registration order) beyond it are denied, deterministically.
 * Memoized on the state until the next event that could change it.
 */
export function devicesBeyondCap(state: OrgState): ReadonlySet<string> {
  if (state.capDenied) return state.capDenied;
  const denied = new Set<string>();
  if (state.activeCount > state.limit) {
    let rank = 0;
    for (const device of state.devices.values()) {
      if (device.status !== 'active') continue;
      if (rank >= state.limit) denied.add(device.deviceId);
      rank++;
    }
  }
  state.capDenied = denied;
  return denied;
}
