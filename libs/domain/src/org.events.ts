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
  | DeviceRemoved;

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
];
