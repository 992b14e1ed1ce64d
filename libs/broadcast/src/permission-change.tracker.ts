import {
  cloneOrgState,
  decideValidation,
  devicesBeyondCap,
  initialOrgState,
  type OrgEvent,
  type OrgState,
  type Verdict,
} from '@warden/domain';
import { orgIdFromStream, type RecordedEvent } from '@warden/ledger';
import { foldRecordedOrgEvent } from '@warden/events';
import type { PermissionMessage } from './permission-contract';
import { messageOf, orgMessageOf, originOf, type Origin } from './permission-message.builders';

const NO_MESSAGES: readonly PermissionMessage[] = Object.freeze([]);
const NO_DEVICES: ReadonlySet<string> = new Set();

/**
 * Turns the ledger's control events into permission changes: keeps its own state of every
 * org (folded by the same `evolveOrg` as the projection) and, for each org event, returns
 * one message per device whose effective verdict (`decideValidation`, compared on `allowed`
 * and `code`) changed, plus one org-level message on OrgSuspended / OrgResumed.
 *
 * Cost: a device event looks at that device only, unless the org is over its cap (a cap
 * lowered below the active count), where removing or adding an active device shifts who is
 * beyond the cap; then it diffs the beyond-cap sets, a scan validation pays as well. Only
 * org-wide events (created, limit, suspend, resume) scan the org, and only when they can
 * change a device's verdict.
 */
export class PermissionChangeTracker {
  private readonly orgs = new Map<string, OrgState>();

  /** A tracker that starts from copies of these org states (the fold up to some ledger position) instead of nothing. */
  static from(orgs: Iterable<OrgState>): PermissionChangeTracker {
    const tracker = new PermissionChangeTracker();
    for (const org of orgs) tracker.orgs.set(org.orgId, cloneOrgState(org));
    return tracker;
  }

  /** The tracked state of an org (read-only by contract: mutating it corrupts the tracker). */
  org(orgId: string): Readonly<OrgState> | undefined {
    return this.orgs.get(orgId);
  }

  get orgCount(): number {
    return this.orgs.size;
  }

  /**
   * Folds one recorded event and returns the permission messages it causes, in a stable
   * order (the org-level message first, then devices in registration order). Events of
   * non-org streams, unknown event types and events already folded (same or older revision)
   * return no message. A known event type with a malformed payload throws LedgerIntegrityError.
   */
  apply(recorded: RecordedEvent): readonly PermissionMessage[] {
    const orgId = orgIdFromStream(recorded.streamId);
    if (orgId === undefined) return NO_MESSAGES;
    const state = this.orgs.get(orgId) ?? this.track(orgId);
    if (Number(recorded.revision) <= state.revision) return NO_MESSAGES;
    let messages: readonly PermissionMessage[] = NO_MESSAGES;
    foldRecordedOrgEvent(state, recorded, (event, evolve) => {
      messages = messagesOf(state, event, evolve, originOf(orgId, recorded, event));
    });
    return messages;
  }

  private track(orgId: string): OrgState {
    const state = initialOrgState(orgId);
    this.orgs.set(orgId, state);
    return state;
  }
}

/** Folds the event (through `evolve`) and returns the verdicts it changed. */
function messagesOf(state: OrgState, event: OrgEvent, evolve: () => void, origin: Origin): readonly PermissionMessage[] {
  switch (event.type) {
    case 'DeviceRegistered':
    case 'DeviceRevoked':
    case 'DeviceRestored':
    case 'DeviceRemoved':
    case 'DeviceLeaseExpired':
      return foldDeviceEvent(state, evolve, event.data.deviceId, origin);
    case 'OrgCreated':
    case 'DeviceLimitSet':
    case 'OrgSuspended':
    case 'OrgResumed':
    case 'LockPlaced':
    case 'LockLifted':
      return foldOrgWideEvent(state, event, evolve, origin);
    default:
      evolve();
      return NO_MESSAGES;
  }
}

function foldDeviceEvent(state: OrgState, evolve: () => void, deviceId: string, origin: Origin): readonly PermissionMessage[] {
  const overCapBefore = isOverCap(state);
  // devicesBeyondCap returns a fresh set after each change (evolve drops the memo, never mutates it).
  const deniedBefore = overCapBefore ? devicesBeyondCap(state) : NO_DEVICES;
  const before = decideValidation(state, deviceId, origin.atMs);
  evolve();
  const after = decideValidation(state, deviceId, origin.atMs);
  const messages: PermissionMessage[] = [];
  if (changed(before, after)) messages.push(messageOf(origin, deviceId, after));
  // While suspended every active device reads ORG_SUSPENDED, so a cap shift changes no verdict.
  if (!state.suspended && (overCapBefore || isOverCap(state))) {
    const deniedAfter = isOverCap(state) ? devicesBeyondCap(state) : NO_DEVICES;
    // Other devices kept their status, so each one entering or leaving the set flips ALLOW <-> LIMIT_EXCEEDED.
    for (const id of deniedBefore) {
      if (id !== deviceId && !deniedAfter.has(id)) messages.push(messageOf(origin, id, decideValidation(state, id, origin.atMs)));
    }
    for (const id of deniedAfter) {
      if (id !== deviceId && !deniedBefore.has(id)) messages.push(messageOf(origin, id, decideValidation(state, id, origin.atMs)));
    }
  }
  return messages;
}

function foldOrgWideEvent(state: OrgState, event: OrgEvent, evolve: () => void, origin: Origin): readonly PermissionMessage[] {
  const messages: PermissionMessage[] = [];
  // evolve sets `suspended` to exactly this, so the org-level message can lead the list.
  if (event.type === 'OrgSuspended' || event.type === 'OrgResumed') {
    messages.push(orgMessageOf(origin, event.type === 'OrgSuspended'));
  }
  if (!canChangeDevices(state, event)) {
    evolve();
  } else {
    // Org-wide events never add, remove or reorder devices, so the two passes line up by index.
    const before: Verdict[] = [];
    for (const device of state.devices.values()) before.push(decideValidation(state, device.deviceId, origin.atMs));
    evolve();
    let index = 0;
    for (const device of state.devices.values()) {
      const after = decideValidation(state, device.deviceId, origin.atMs);
      if (changed(before[index++], after)) messages.push(messageOf(origin, device.deviceId, after));
    }
  }
  return messages;
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
