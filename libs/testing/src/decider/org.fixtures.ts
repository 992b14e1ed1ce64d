import { createHash } from 'node:crypto';
import {
  PLAN_LIMITS,
  type CreateOrg,
  type DeviceLimitSet,
  type DeviceRegistered,
  type DeviceRemoved,
  type DeviceRestored,
  type DeviceRevoked,
  type IssueKey,
  type KeyScope,
  type Labels,
  type OrgCreated,
  type OrgEvent,
  type OrgKeyIssued,
  type OrgKeyRevoked,
  type OrgResumed,
  type OrgSuspended,
  type PlanTier,
  type RegisterDevice,
  type RemoveDevices,
  type RestoreDevices,
  type ResumeOrg,
  type RevokeDevices,
  type RevokeKey,
  type SetDeviceLimit,
  type SuspendOrg,
} from '@warden/domain';

/**
 * Builders for org events and commands with fixed defaults (one org, one instant, one actor),
 * so a decider test names only what it is about: `deviceRegistered('d1')`, `registerDevice('d1')`.
 */
export const TEST_ORG_ID = 'org-test';
export const TEST_AT = '2030-01-02T03:04:05.000Z';
export const TEST_ACTOR = 'admin';
export const TEST_ADMIN_KEY_ID = 'key-admin';

/** Overrides every builder accepts last. `actor` only lands on events and commands that carry one. */
export interface Meta {
  readonly orgId?: string;
  readonly at?: string;
  readonly actor?: string;
}

/** The hash a builder gives a key id: a real sha256 hex, so the events also pass the projection's schemas. */
export function keyHashOf(keyId: string): string {
  return createHash('sha256').update(keyId).digest('hex');
}

function base(meta: Meta = {}): { orgId: string; at: string } {
  return { orgId: meta.orgId ?? TEST_ORG_ID, at: meta.at ?? TEST_AT };
}

function actorOf(meta: Meta = {}): string {
  return meta.actor ?? TEST_ACTOR;
}

// ---- events ---------------------------------------------------------------------------------

export interface OrgCreatedInit extends Meta {
  readonly name?: string;
  readonly planTier?: PlanTier;
  /** Defaults to the tier's plan cap (free: 3). */
  readonly limit?: number;
}

export function orgCreated(init: OrgCreatedInit = {}): OrgCreated {
  const planTier = init.planTier ?? (init.limit === undefined ? 'free' : 'custom');
  const limit = init.limit ?? (planTier === 'custom' ? PLAN_LIMITS.free : PLAN_LIMITS[planTier]);
  return { type: 'OrgCreated', data: { ...base(init), name: init.name ?? 'Test org', planTier, limit } };
}

export function keyIssued(keyId: string, scope: KeyScope = 'runtime', meta?: Meta): OrgKeyIssued {
  return { type: 'OrgKeyIssued', data: { ...base(meta), keyId, keyHash: keyHashOf(keyId), scope } };
}

export function keyRevoked(keyId: string, meta?: Meta): OrgKeyRevoked {
  return { type: 'OrgKeyRevoked', data: { ...base(meta), keyId } };
}

/** The two events `CreateOrg` produces: the org and its first admin key (`TEST_ADMIN_KEY_ID`). */
export function orgExists(init: OrgCreatedInit = {}): OrgEvent[] {
  return [orgCreated(init), keyIssued(TEST_ADMIN_KEY_ID, 'admin', init)];
}

export function deviceLimitSet(limit: number, planTier: PlanTier = 'custom', meta?: Meta): DeviceLimitSet {
  return { type: 'DeviceLimitSet', data: { ...base(meta), limit, planTier } };
}

export function orgSuspended(reason = 'incident', meta?: Meta): OrgSuspended {
  return { type: 'OrgSuspended', data: { ...base(meta), reason, actor: actorOf(meta) } };
}

export function orgResumed(meta?: Meta): OrgResumed {
  return { type: 'OrgResumed', data: { ...base(meta), actor: actorOf(meta) } };
}

export function deviceRegistered(deviceId: string, labels: Labels = {}, meta?: Meta): DeviceRegistered {
  return { type: 'DeviceRegistered', data: { ...base(meta), deviceId, labels } };
}

/** One `DeviceRegistered` per id, in the order given. */
export function devicesRegistered(...deviceIds: string[]): DeviceRegistered[] {
  return deviceIds.map((deviceId) => deviceRegistered(deviceId));
}

export function deviceRevoked(deviceId: string, reason = 'compromised', meta?: Meta): DeviceRevoked {
  return { type: 'DeviceRevoked', data: { ...base(meta), deviceId, reason, actor: actorOf(meta) } };
}

export function deviceRestored(deviceId: string, meta?: Meta): DeviceRestored {
  return { type: 'DeviceRestored', data: { ...base(meta), deviceId, actor: actorOf(meta) } };
}

export function deviceRemoved(deviceId: string, meta?: Meta): DeviceRemoved {
  return { type: 'DeviceRemoved', data: { ...base(meta), deviceId, actor: actorOf(meta) } };
}

// ---- commands -------------------------------------------------------------------------------

function command<C extends { type: string }>(type: C['type'], data: unknown, meta: Meta = {}): C {
  return { type, orgId: meta.orgId ?? TEST_ORG_ID, at: meta.at ?? TEST_AT, actor: actorOf(meta), data } as unknown as C;
}

export interface CreateOrgInit extends Meta {
  readonly name?: string;
  readonly planTier?: PlanTier;
  readonly limit?: number;
  readonly adminKeyId?: string;
}

export function createOrg(init: CreateOrgInit = {}): CreateOrg {
  const planTier = init.planTier ?? 'free';
  const limit = init.limit ?? (planTier === 'custom' ? PLAN_LIMITS.free : PLAN_LIMITS[planTier]);
  const keyId = init.adminKeyId ?? TEST_ADMIN_KEY_ID;
  return command<CreateOrg>(
    'CreateOrg',
    { name: init.name ?? 'Test org', planTier, limit, adminKey: { keyId, keyHash: keyHashOf(keyId) } },
    init,
  );
}

export function issueKey(keyId: string, scope: KeyScope = 'runtime', meta?: Meta): IssueKey {
  return command<IssueKey>('IssueKey', { keyId, keyHash: keyHashOf(keyId), scope }, meta);
}

export function revokeKey(keyId: string, meta?: Meta): RevokeKey {
  return command<RevokeKey>('RevokeKey', { keyId }, meta);
}

export function setDeviceLimit(data: { limit?: number; planTier?: PlanTier }, meta?: Meta): SetDeviceLimit {
  return command<SetDeviceLimit>('SetDeviceLimit', data, meta);
}

export function suspendOrg(reason = 'incident', meta?: Meta): SuspendOrg {
  return command<SuspendOrg>('SuspendOrg', { reason }, meta);
}

export function resumeOrg(meta?: Meta): ResumeOrg {
  return command<ResumeOrg>('ResumeOrg', {}, meta);
}

export function registerDevice(deviceId: string, labels: Labels = {}, meta?: Meta): RegisterDevice {
  return command<RegisterDevice>('RegisterDevice', { deviceId, labels }, meta);
}

export function revokeDevices(deviceIds: readonly string[], reason = 'compromised', meta?: Meta): RevokeDevices {
  return command<RevokeDevices>('RevokeDevices', { deviceIds, reason }, meta);
}

export function restoreDevices(deviceIds: readonly string[], meta?: Meta): RestoreDevices {
  return command<RestoreDevices>('RestoreDevices', { deviceIds }, meta);
}

export function removeDevices(deviceIds: readonly string[], meta?: Meta): RemoveDevices {
  return command<RemoveDevices>('RemoveDevices', { deviceIds }, meta);
}
