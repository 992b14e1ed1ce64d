import type { LockSelector } from './org.events';
import type { LockState, OrgState } from './org.state';
import { lockMatches } from './validation.decide';

/** The org's locks in force at `atMs` (epoch ms), in the order they were placed: timed locks past their time are left out. */
export function locksInForce(state: OrgState, atMs: number): LockState[] {
  const locks: LockState[] = [];
  for (const lock of state.locks.values()) if (lock.expiresAtMs > atMs) locks.push(lock);
  return locks;
}

/**
 * How many registered devices a lock with this selector denies: the active devices it
 * matches. Revoked and lease-expired devices are denied for their own reason first (see
 * decideValidation's check order), so they are not counted; a device the selector names
 * but that is not registered (yet) is not either.
 */
export function lockedDeviceCount(state: OrgState, selector: LockSelector): number {
  if (selector.deviceId !== undefined) {
    const device = state.devices.get(selector.deviceId);
    return device?.status === 'active' && lockMatches(selector, device) ? 1 : 0;
  }
  let count = 0;
  for (const device of state.devices.values()) if (device.status === 'active' && lockMatches(selector, device)) count++;
  return count;
}
