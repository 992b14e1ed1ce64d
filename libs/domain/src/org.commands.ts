import type { KeyScope, Labels, LockSelector } from './org.events';
import type { PlanTier } from './plans';

/** Every command carries its time (`at`, ISO 8601) and actor: decide never reads a clock. */
interface CommandOf<Type extends string, Data> {
  readonly type: Type;
  readonly orgId: string;
  readonly at: string;
  readonly actor: string;
  readonly data: Data;
}

export type CreateOrg = CommandOf<
  'CreateOrg',
  { name: string; planTier: PlanTier; limit: number; adminKey: { keyId: string; keyHash: string } }
>;
export type IssueKey = CommandOf<'IssueKey', { keyId: string; keyHash: string; scope: KeyScope }>;
export type RevokeKey = CommandOf<'RevokeKey', { keyId: string }>;
/** Either field may be omitted: a tier alone takes its default cap, a limit alone makes the tier `custom`. */
export type SetDeviceLimit = CommandOf<'SetDeviceLimit', { limit?: number; planTier?: PlanTier }>;
export type SuspendOrg = CommandOf<'SuspendOrg', { reason: string }>;
export type ResumeOrg = CommandOf<'ResumeOrg', Record<string, never>>;
export type RegisterDevice = CommandOf<'RegisterDevice', { deviceId: string; labels: Labels }>;
export type RevokeDevices = CommandOf<'RevokeDevices', { deviceIds: readonly string[]; reason: string }>;
export type RestoreDevices = CommandOf<'RestoreDevices', { deviceIds: readonly string[] }>;
export type RemoveDevices = CommandOf<'RemoveDevices', { deviceIds: readonly string[] }>;
/** Leases on with a TTL (MIN_LEASE_TTL_SECONDS..MAX_LEASE_TTL_SECONDS) or off (null). */
export type SetLeasePolicy = CommandOf<'SetLeasePolicy', { leaseTtlSeconds: number | null }>;
/**
 * Expires the leases of devices last seen at `lastSeenAt` (what the caller's liveness record
 * says). Decided against the command's `at`: a device not lapsed by then is left alone.
 */
export type ExpireLeases = CommandOf<'ExpireLeases', { devices: readonly { deviceId: string; lastSeenAt: string }[] }>;
export type PlaceLock = CommandOf<'PlaceLock', { lockId: string; selector: LockSelector; reason: string; expiresAt: string | null }>;
export type LiftLock = CommandOf<'LiftLock', { lockId: string }>;

export type OrgCommand =
  | CreateOrg
  | IssueKey
  | RevokeKey
  | SetDeviceLimit
  | SuspendOrg
  | ResumeOrg
  | RegisterDevice
  | RevokeDevices
  | RestoreDevices
  | RemoveDevices
  | SetLeasePolicy
  | ExpireLeases
  | PlaceLock
  | LiftLock;
