import type { Verdict } from './decision-codes';
import type { OrgEvent } from './org.events';
import type { OrgState } from './org.state';
import { decideValidation, devicesBeyondCap } from './validation.decide';

/** A device whose effective verdict an event changed, with its verdict after the event. */
export interface PermissionChange {
  readonly deviceId: string;
  readonly verdict: Verdict;
}

const NONE: readonly PermissionChange[] = Object.freeze([]);
const NO_DEVICES: ReadonlySet<string> = new Set();

/**
 * The one definition of "this event changed that device's permission", shared by the relay
 * (a push per change) and audit replay (an ack must answer a change): folds `event` into
 * `state` through `evolve` and returns every device whose verdict (`decideValidation` at the
 * event's own time `atMs`, compared on `allowed` and `code`) differs after it, in a stable
 * order (the event's own device first, then registration order).
 *
 * Cost: a device event looks at that device only, unless the org is over its cap (a cap
 * lowered below the active count), where removing or adding an active device shifts who is
 * beyond the cap; then it diffs the beyond-cap sets, a scan validation pays as well. Only
 * org-wide events (created, limit, suspend, resume, locks) scan the org, and only when they
 * can change a device's verdict.
 */
export function foldPermissionChanges(state: OrgState, event: OrgEvent, evolve: () => void, atMs: number): readonly PermissionChange[] {
  switch (event.type) {
    case 'DeviceRegistered':
    case 'DeviceRevoked':
    case 'DeviceRestored':
    case 'DeviceRemoved':
    case 'DeviceLeaseExpired':
      return foldDeviceEvent(state, evolve, event.data.deviceId, atMs);
    case 'OrgCreated':
    case 'DeviceLimitSet':
    case 'OrgSuspended':
    case 'OrgResumed':
    case 'LockPlaced':
    case 'LockLifted':
      return foldOrgWideEvent(state, event, evolve, atMs);
    default:
      evolve();
      return NONE;
  }
}

function foldDeviceEvent(state: OrgState, evolve: () => void, deviceId: string, atMs: number): readonly PermissionChange[] {
  const overCapBefore = isOverCap(state);
  // devicesBeyondCap returns a fresh set after each change (evolve drops the memo, never mutates it).
  const deniedBefore = overCapBefore ? devicesBeyondCap(state) : NO_DEVICES;
  const before = decideValidation(state, deviceId, atMs);
  evolve();
  const after = decideValidation(state, deviceId, atMs);
  const changes: PermissionChange[] = [];
  if (changed(before, after)) changes.push({ deviceId, verdict: after });
  // While suspended every active device reads ORG_SUSPENDED, so a cap shift changes no verdict.
  if (!state.suspended && (overCapBefore || isOverCap(state))) {
    const deniedAfter = isOverCap(state) ? devicesBeyondCap(state) : NO_DEVICES;
    // Other devices kept their status, so each one entering or leaving the set flips ALLOW <-> LIMIT_EXCEEDED.
    for (const id of deniedBefore) {
      if (id !== deviceId && !deniedAfter.has(id)) changes.push({ deviceId: id, verdict: decideValidation(state, id, atMs) });
    }
    for (const id of deniedAfter) {
      if (id !== deviceId && !deniedBefore.has(id)) changes.push({ deviceId: id, verdict: decideValidation(state, id, atMs) });
    }
  }
  return changes;
}

function foldOrgWideEvent(state: OrgState, event: OrgEvent, evolve: () => void, atMs: number): readonly PermissionChange[] {
  if (!canChangeDevices(state, event)) {
    evolve();
    return NONE;
  }
  // Org-wide events never add, remove or reorder devices, so the two passes line up by index.
  const before: Verdict[] = [];
  for (const device of state.devices.values()) before.push(decideValidation(state, device.deviceId, atMs));
  evolve();
  const changes: PermissionChange[] = [];
  let index = 0;
  for (const device of state.devices.values()) {
    const after = decideValidation(state, device.deviceId, atMs);
    if (changed(before[index++]!, after)) changes.push({ deviceId: device.deviceId, verdict: after });
  }
  return changes;
}

/** False when the event provably leaves every device verdict as it is, so no scan is needed. */
function canChangeDevices(state: OrgState, event: OrgEvent): boolean {
  if (state.devices.size === 0) return false;
  switch (event.type) {
    case 'OrgSuspended':
      return state.exists && !state.suspended;
    case 'OrgResumed':
      return state.exists && state.suspended;
    case 'DeviceLimitSet':
      return state.exists && !state.suspended && (isOverCap(state) || state.activeCount > event.data.limit);
    case 'LockPlaced':
    case 'LockLifted':
      // While suspended every device reads ORG_SUSPENDED, which outranks a lock.
      return state.exists && !state.suspended;
    default:
      return true;
  }
}

function isOverCap(state: OrgState): boolean {
  return state.exists && state.activeCount > state.limit;
}

function changed(before: Verdict, after: Verdict): boolean {
  return before.allowed !== after.allowed || before.code !== after.code;
}
