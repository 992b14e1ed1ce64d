import type { Labels, OrgEvent } from './org.events';
import { initialOrgState, type OrgState } from './org.state';

/**
 * Folds one event into the org state, in place, and returns the state. Total: unknown event
 * types and events that do not apply (e.g. revoking an unknown device) leave it unchanged.
 * Never reads the clock: every time comes from the event. Timed locks whose expiry the
 * event's time has reached are dropped first (see dropExpiredLocks).
 */
export function evolveOrg(state: OrgState, event: OrgEvent): OrgState {
  if (state.locks.size > 0) dropExpiredLocks(state, event.data?.at);
  switch (event.type) {
    case 'OrgCreated':
      state.exists = true;
      state.orgId = event.data.orgId;
      state.name = event.data.name;
      state.planTier = event.data.planTier;
      state.limit = event.data.limit;
      state.capDenied = undefined;
      return state;
    case 'OrgKeyIssued':
      state.keys.set(event.data.keyId, {
        keyId: event.data.keyId,
        keyHash: event.data.keyHash,
        scope: event.data.scope,
        issuedAt: event.data.at,
      });
      return state;
    case 'OrgKeyRevoked':
      state.keys.delete(event.data.keyId);
      return state;
    case 'DeviceLimitSet':
      state.limit = event.data.limit;
      state.planTier = event.data.planTier;
      state.capDenied = undefined;
      return state;
    case 'OrgSuspended':
      state.suspended = true;
      state.suspendedReason = event.data.reason;
      return state;
    case 'OrgResumed':
      state.suspended = false;
      state.suspendedReason = undefined;
      return state;
    case 'DeviceRegistered':
      return registerDevice(state, event.data.deviceId, event.data.labels, event.data.at);
    case 'DeviceRevoked':
      return revokeDevice(state, event.data.deviceId, event.data.reason, event.data.at);
    case 'DeviceRestored':
      return restoreDevice(state, event.data.deviceId);
    case 'DeviceRemoved':
      return removeDevice(state, event.data.deviceId);
    case 'OrgPolicySet':
      state.leaseTtlSeconds = event.data.leaseTtlSeconds;
      return state;
    case 'DeviceLeaseExpired':
      return expireDevice(state, event.data.deviceId, event.data.at);
    case 'LockPlaced': {
      const { lockId, selector, reason, expiresAt, actor, at } = event.data;
      const expiresAtMs = expiresAt === null ? Number.POSITIVE_INFINITY : Date.parse(expiresAt);
      state.locks.set(lockId, { lockId, selector, reason, placedAt: at, actor, expiresAt, expiresAtMs });
      return state;
    }
    case 'LockLifted':
      state.locks.delete(event.data.lockId);
      return state;
    default:
      return state;
  }
}

/**
 * Drops the timed locks that are no longer in force at `at` (an event's time), so an org's
 * state does not keep every lock it ever had. By event time, not the clock: replay, the
 * projection, its snapshot and the relays fold the same events and drop the same locks. A lock
 * past its time denies nothing already (decisions judge expiry by their own time,
 * locksInForce), so dropping it changes no verdict at or after `at`. An event without a
 * readable time drops nothing.
 */
function dropExpiredLocks(state: OrgState, at: string | undefined): void {
  const atMs = typeof at === 'string' ? Date.parse(at) : Number.NaN;
  if (Number.isNaN(atMs)) return;
  for (const [lockId, lock] of state.locks) if (lock.expiresAtMs <= atMs) state.locks.delete(lockId);
}

function registerDevice(state: OrgState, deviceId: string, labels: Labels, at: string): OrgState {
  const existing = state.devices.get(deviceId);
  if (existing?.status === 'active') return state;
  if (existing) state.devices.delete(deviceId);
  state.devices.set(deviceId, { deviceId, status: 'active', labels, registeredAt: at, order: state.nextOrder++ });
  state.activeCount++;
  state.capDenied = undefined;
  return state;
}

function revokeDevice(state: OrgState, deviceId: string, reason: string, at: string): OrgState {
  const device = state.devices.get(deviceId);
  if (!device || device.status === 'revoked') return state;
  // An expired device holds no seat already; revoking it records the operator's word.
  if (device.status === 'active') state.activeCount--;
  device.status = 'revoked';
  device.revokedAt = at;
  device.revokedReason = reason;
  device.expiredAt = undefined;
  state.capDenied = undefined;
  return state;
}

function expireDevice(state: OrgState, deviceId: string, at: string): OrgState {
  const device = state.devices.get(deviceId);
  if (!device || device.status !== 'active') return state;
  device.status = 'expired';
  device.expiredAt = at;
  state.activeCount--;
  state.capDenied = undefined;
  return state;
}

function restoreDevice(state: OrgState, deviceId: string): OrgState {
  const device = state.devices.get(deviceId);
  if (!device || device.status !== 'revoked') return state;
  device.status = 'active';
  device.revokedAt = undefined;
  device.revokedReason = undefined;
  state.activeCount++;
  state.capDenied = undefined;
  return state;
}

function removeDevice(state: OrgState, deviceId: string): OrgState {
  const device = state.devices.get(deviceId);
  if (!device) return state;
  if (device.status === 'active') state.activeCount--;
  state.devices.delete(deviceId);
  state.capDenied = undefined;
  return state;
}

/** Folds a whole stream into a fresh state, counting revisions from 0. */
export function foldOrg(events: readonly OrgEvent[], orgId = ''): OrgState {
  const state = initialOrgState(orgId);
  for (const event of events) {
    evolveOrg(state, event);
    state.revision++;
  }
  return state;
}
