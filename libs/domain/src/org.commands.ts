import type { KeyScope, Labels } from './org.events';
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
  | RemoveDevices;
