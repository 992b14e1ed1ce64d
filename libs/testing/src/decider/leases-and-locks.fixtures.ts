import type {
  DeviceLeaseExpired,
  ExpireLeases,
  LiftLock,
  LockLifted,
  LockPlaced,
  LockSelector,
  OrgPolicySet,
  PlaceLock,
  SetLeasePolicy,
} from '@warden/domain';
import { TEST_ACTOR, TEST_AT, TEST_ORG_ID, type Meta } from './org.fixtures';

/** Builders for the lease and lock events and commands, with the same defaults as org.fixtures. */
function base(meta: Meta = {}): { orgId: string; at: string } {
  return { orgId: meta.orgId ?? TEST_ORG_ID, at: meta.at ?? TEST_AT };
}

function command<C extends { type: string }>(type: C['type'], data: unknown, meta: Meta = {}): C {
  return { type, orgId: meta.orgId ?? TEST_ORG_ID, at: meta.at ?? TEST_AT, actor: meta.actor ?? TEST_ACTOR, data } as unknown as C;
}

export function orgPolicySet(leaseTtlSeconds: number | null, meta?: Meta): OrgPolicySet {
  return { type: 'OrgPolicySet', data: { ...base(meta), leaseTtlSeconds, actor: meta?.actor ?? TEST_ACTOR } };
}

export function deviceLeaseExpired(deviceId: string, lastSeenAt: string, ttlSeconds: number, meta?: Meta): DeviceLeaseExpired {
  return { type: 'DeviceLeaseExpired', data: { ...base(meta), deviceId, lastSeenAt, ttlSeconds } };
}

export function lockPlaced(lockId: string, selector: LockSelector, init: { reason?: string; expiresAt?: string | null } & Meta = {}): LockPlaced {
  const data = { ...base(init), lockId, selector, reason: init.reason ?? 'incident', expiresAt: init.expiresAt ?? null, actor: init.actor ?? TEST_ACTOR };
  return { type: 'LockPlaced', data };
}

export function lockLifted(lockId: string, meta?: Meta): LockLifted {
  return { type: 'LockLifted', data: { ...base(meta), lockId, actor: meta?.actor ?? TEST_ACTOR } };
}

export function setLeasePolicy(leaseTtlSeconds: number | null, meta?: Meta): SetLeasePolicy {
  return command<SetLeasePolicy>('SetLeasePolicy', { leaseTtlSeconds }, meta);
}

export function expireLeases(devices: readonly { deviceId: string; lastSeenAt: string }[], meta?: Meta): ExpireLeases {
  return command<ExpireLeases>('ExpireLeases', { devices }, meta);
}

export function placeLock(lockId: string, selector: LockSelector, init: { reason?: string; expiresAt?: string | null } & Meta = {}): PlaceLock {
  return command<PlaceLock>('PlaceLock', { lockId, selector, reason: init.reason ?? 'incident', expiresAt: init.expiresAt ?? null }, init);
}

export function liftLock(lockId: string, meta?: Meta): LiftLock {
  return command<LiftLock>('LiftLock', { lockId }, meta);
}
