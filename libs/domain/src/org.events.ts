import type { PlanTier } from './plans';

/** Scope of an org key: `admin` can do everything for its org, `runtime` only register, validate and watch. */
export type KeyScope = 'admin' | 'runtime';

export type Labels = Readonly<Record<string, string>>;

interface OrgEventOf<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data & { readonly orgId: string; readonly at: string };
}

export type OrgCreated = OrgEventOf<'OrgCreated', { name: string; planTier: PlanTier; limit: number }>;
/** Only the sha256 hash of the key is ever stored. */
export type OrgKeyIssued = OrgEventOf<'OrgKeyIssued', { keyId: string; keyHash: string; scope: KeyScope }>;
export type OrgKeyRevoked = OrgEventOf<'OrgKeyRevoked', { keyId: string }>;
export type DeviceLimitSet = OrgEventOf<'DeviceLimitSet', { limit: number; planTier: PlanTier }>;
export type OrgSuspended = OrgEventOf<'OrgSuspended', { reason: string; actor: string }>;
export type OrgResumed = OrgEventOf<'OrgResumed', { actor: string }>;
export type DeviceRegistered = OrgEventOf<'DeviceRegistered', { deviceId: string; labels: Labels }>;
export type DeviceRevoked = OrgEventOf<'DeviceRevoked', { deviceId: string; reason: string; actor: string }>;
export type DeviceRestored = OrgEventOf<'DeviceRestored', { deviceId: string; actor: string }>;
export type DeviceRemoved = OrgEventOf<'DeviceRemoved', { deviceId: string; actor: string }>;
/** Leases on (`leaseTtlSeconds`) or off (null) for the org. */
export type OrgPolicySet = OrgEventOf<'OrgPolicySet', { leaseTtlSeconds: number | null; actor: string }>;
/** The device showed no sign of life for `ttlSeconds` after `lastSeenAt`: its seat is released. */
export type DeviceLeaseExpired = OrgEventOf<'DeviceLeaseExpired', { deviceId: string; lastSeenAt: string; ttlSeconds: number }>;
/**
 * What a lock matches: one device, devices carrying every given label (AND, by equality), or
 * both at once. Never empty: the whole org has its own kill switch (suspend).
 */
export interface LockSelector {
  readonly deviceId?: string;
  readonly labels?: Labels;
}
/** A lock denies every device it matches with DEVICE_LOCKED until lifted or, with `expiresAt`, until that time. */
export type LockPlaced = OrgEventOf<'LockPlaced', { lockId: string; selector: LockSelector; reason: string; expiresAt: string | null; actor: string }>;
export type LockLifted = OrgEventOf<'LockLifted', { lockId: string; actor: string }>;

/** Every control event of an `org-<orgId>` stream, past tense. */
export type OrgEvent =
  | OrgCreated
  | OrgKeyIssued
  | OrgKeyRevoked
  | DeviceLimitSet
  | OrgSuspended
  | OrgResumed
  | DeviceRegistered
  | DeviceRevoked
  | DeviceRestored
  | DeviceRemoved
  | OrgPolicySet
  | DeviceLeaseExpired
  | LockPlaced
  | LockLifted;

export type OrgEventType = OrgEvent['type'];

export const ORG_EVENT_TYPES: readonly OrgEventType[] = [
  'OrgCreated',
  'OrgKeyIssued',
  'OrgKeyRevoked',
  'DeviceLimitSet',
  'OrgSuspended',
  'OrgResumed',
  'DeviceRegistered',
  'DeviceRevoked',
  'DeviceRestored',
  'DeviceRemoved',
  'OrgPolicySet',
  'DeviceLeaseExpired',
  'LockPlaced',
  'LockLifted',
];
