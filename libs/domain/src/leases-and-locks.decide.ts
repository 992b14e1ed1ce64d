import type { ExpireLeases, LiftLock, PlaceLock, SetLeasePolicy } from './org.commands';
import { OrgErrors } from './org.errors';
import type { OrgEvent } from './org.events';
import type { OrgState } from './org.state';

/** Bounds of an org's lease TTL, in seconds. */
export const MIN_LEASE_TTL_SECONDS = 5;
export const MAX_LEASE_TTL_SECONDS = 86_400;
/** A lock's `expiresAt` may be at most this far after the command's time. */
export const MAX_LOCK_DURATION_MS = 366 * 24 * 3600 * 1000;

/** Events of a leases-or-locks command; empty for a no-op. */
type Events = OrgEvent[];

export function setLeasePolicy(command: SetLeasePolicy, state: OrgState): Events {
  const ttl = command.data.leaseTtlSeconds;
  if (ttl !== null && (!Number.isInteger(ttl) || ttl < MIN_LEASE_TTL_SECONDS || ttl > MAX_LEASE_TTL_SECONDS)) {
    throw OrgErrors.invalidLeaseTtl(`leaseTtlSeconds must be an integer from ${MIN_LEASE_TTL_SECONDS} to ${MAX_LEASE_TTL_SECONDS}, or null`);
  }
  if (ttl === state.leaseTtlSeconds) return [];
  return [{ type: 'OrgPolicySet', data: { orgId: command.orgId, at: command.at, leaseTtlSeconds: ttl, actor: command.actor } }];
}

/**
 * Expires each named device whose lease has lapsed by the command's time: leases are on, the
 * device is active, and `at - lastSeenAt >= ttl`. Anything else is skipped, so a racing
 * replica that already expired it (or a sign of life the caller saw) writes nothing.
 */
export function expireLeases(command: ExpireLeases, state: OrgState): Events {
  const ttl = state.leaseTtlSeconds;
  if (ttl === null) return [];
  const at = Date.parse(command.at);
  const events: Events = [];
  const seen = new Set<string>();
  for (const { deviceId, lastSeenAt } of command.data.devices) {
    const device = state.devices.get(deviceId);
    if (!device || device.status !== 'active' || seen.has(deviceId)) continue;
    const lastSeen = Date.parse(lastSeenAt);
    if (!(at - lastSeen >= ttl * 1000) || lastSeen < Date.parse(device.registeredAt)) continue;
    seen.add(deviceId);
    events.push({ type: 'DeviceLeaseExpired', data: { orgId: command.orgId, at: command.at, deviceId, lastSeenAt, ttlSeconds: ttl } });
  }
  return events;
}

export function placeLock(command: PlaceLock, state: OrgState): Events {
  const { lockId, selector, reason, expiresAt } = command.data;
  const labels = selector.labels ?? {};
  if (selector.deviceId === undefined && Object.keys(labels).length === 0) {
    throw OrgErrors.invalidSelector('a lock needs a deviceId or at least one label; to stop the whole org, suspend it');
  }
  if (expiresAt !== null) {
    const at = Date.parse(command.at);
    const until = Date.parse(expiresAt);
    if (Number.isNaN(until) || until <= at) throw OrgErrors.invalidExpiry('expiresAt must be an ISO 8601 time in the future');
    if (until - at > MAX_LOCK_DURATION_MS) throw OrgErrors.invalidExpiry('expiresAt may be at most a year ahead');
  }
  if (state.locks.has(lockId)) throw OrgErrors.lockExists(lockId);
  const data = { orgId: command.orgId, at: command.at, lockId, selector, reason, expiresAt, actor: command.actor };
  return [{ type: 'LockPlaced', data }];
}

/**
 * Lifts a lock in force at the command's time. A timed lock whose time has passed has lifted
 * by itself: it is no longer an active lock (the list omits it), so it is lock_not_found too,
 * and no event records a change that changes nothing.
 */
export function liftLock(command: LiftLock, state: OrgState): Events {
  const lock = state.locks.get(command.data.lockId);
  if (!lock || lock.expiresAtMs <= Date.parse(command.at)) throw OrgErrors.lockNotFound(command.data.lockId);
  return [{ type: 'LockLifted', data: { orgId: command.orgId, at: command.at, lockId: command.data.lockId, actor: command.actor } }];
}
