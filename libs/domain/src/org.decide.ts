import { DecisionCode } from './decision-codes';
import type {
  CreateOrg,
  IssueKey,
  OrgCommand,
  RegisterDevice,
  RemoveDevices,
  RestoreDevices,
  RevokeDevices,
  RevokeKey,
  SetDeviceLimit,
} from './org.commands';
import { OrgErrors } from './org.errors';
import type { OrgEvent } from './org.events';
import { adminKeyCount, type OrgState } from './org.state';
import { WardenError } from './warden-error';
import { MAX_DEVICE_LIMIT, PLAN_LIMITS, isStandardPlanTier } from './plans';
import { expireLeases, liftLock, placeLock, setLeasePolicy } from './leases-and-locks.decide';

/** What happened to one device named by a command. */
export type DeviceOutcome =
  | 'registered'
  | 'exists'
  | 'limit_reached'
  | 'suspended'
  | 'revoked'
  | 'already_revoked'
  | 'restored'
  | 'not_revoked'
  | 'removed'
  | 'not_found';

/** The result of a command: events to append (none for a no-op or a refusal) and per-device outcomes. */
export interface OrgDecision {
  readonly events: OrgEvent[];
  /** One entry per deviceId named by the command, in request order (empty for org-level commands). */
  readonly outcomes: readonly { readonly deviceId: string; readonly outcome: DeviceOutcome }[];
  /** For a refused registration: the decision code to put on the record. */
  readonly refusal?: DecisionCode;
}

/**
 * A decision that changes nothing. A fresh object each time: `events` is a mutable array
 * handed to the caller, so a shared constant would let one caller's push leak into every
 * later no-op.
 */
function noChange(): OrgDecision {
  return { events: [], outcomes: [] };
}

/**
 * Decides a command against the org state. Pure: reads the state, never changes it, never
 * reads a clock. Throws a WardenError (OrgErrors) when the command cannot apply at all.
 */
export function decideOrg(command: OrgCommand, state: OrgState): OrgDecision {
  if (command.type === 'CreateOrg') return createOrg(command, state);
  if (!state.exists) throw OrgErrors.orgNotFound(command.orgId);
  const base = { orgId: command.orgId, at: command.at };
  switch (command.type) {
    case 'IssueKey':
      return issueKey(command, state);
    case 'RevokeKey':
      return revokeKey(command, state);
    case 'SetDeviceLimit':
      return setDeviceLimit(command, state);
    case 'SuspendOrg':
      if (state.suspended) return noChange();
      return { events: [{ type: 'OrgSuspended', data: { ...base, reason: command.data.reason, actor: command.actor } }], outcomes: [] };
    case 'ResumeOrg':
      if (!state.suspended) return noChange();
      return { events: [{ type: 'OrgResumed', data: { ...base, actor: command.actor } }], outcomes: [] };
    case 'RegisterDevice':
      return registerDevice(command, state);
    case 'RevokeDevices':
      return revokeDevices(command, state);
    case 'RestoreDevices':
      return restoreDevices(command, state);
    case 'RemoveDevices':
      return removeDevices(command, state);
    case 'SetLeasePolicy':
      return { events: setLeasePolicy(command, state), outcomes: [] };
    case 'ExpireLeases':
      return { events: expireLeases(command, state), outcomes: [] };
    case 'PlaceLock':
      return { events: placeLock(command, state), outcomes: [] };
    case 'LiftLock':
      return { events: liftLock(command, state), outcomes: [] };
    default:
      return assertNever(command);
  }
}

function createOrg(command: CreateOrg, state: OrgState): OrgDecision {
  if (state.exists) throw OrgErrors.orgExists(command.orgId);
  const { name, planTier, limit, adminKey } = command.data;
  const base = { orgId: command.orgId, at: command.at };
  return {
    events: [
      { type: 'OrgCreated', data: { ...base, name, planTier, limit: checkedLimit(limit) } },
      { type: 'OrgKeyIssued', data: { ...base, keyId: adminKey.keyId, keyHash: adminKey.keyHash, scope: 'admin' } },
    ],
    outcomes: [],
  };
}

function issueKey(command: IssueKey, state: OrgState): OrgDecision {
  if (state.keys.has(command.data.keyId)) throw OrgErrors.keyExists(command.data.keyId);
  return { events: [{ type: 'OrgKeyIssued', data: { orgId: command.orgId, at: command.at, ...command.data } }], outcomes: [] };
}

function revokeKey(command: RevokeKey, state: OrgState): OrgDecision {
  const key = state.keys.get(command.data.keyId);
  if (!key) throw OrgErrors.keyNotFound(command.data.keyId);
  if (key.scope === 'admin' && adminKeyCount(state) === 1) throw OrgErrors.lastAdminKey(key.keyId);
  return { events: [{ type: 'OrgKeyRevoked', data: { orgId: command.orgId, at: command.at, keyId: key.keyId } }], outcomes: [] };
}

function setDeviceLimit(command: SetDeviceLimit, state: OrgState): OrgDecision {
  const { limit, planTier } = command.data;
  if (limit === undefined && planTier === undefined) throw OrgErrors.invalidLimit('give a limit, a planTier, or both');
  if (limit === undefined && planTier === 'custom') throw OrgErrors.invalidLimit('a custom plan needs a limit');
  const tier = planTier ?? 'custom';
  const newLimit = checkedLimit(limit ?? (isStandardPlanTier(tier) ? PLAN_LIMITS[tier] : state.limit));
  if (newLimit === state.limit && tier === state.planTier) return noChange();
  return {
    events: [{ type: 'DeviceLimitSet', data: { orgId: command.orgId, at: command.at, limit: newLimit, planTier: tier } }],
    outcomes: [],
  };
}

function registerDevice(command: RegisterDevice, state: OrgState): OrgDecision {
  const { deviceId, labels } = command.data;
  const device = state.devices.get(deviceId);
  if (device?.status === 'active') return { events: [], outcomes: [{ deviceId, outcome: 'exists' }] };
  if (device?.status === 'revoked') return refuse(deviceId, 'revoked', DecisionCode.DeviceRevoked);
  // An expired device registers like a new one (its seat was released), subject to the cap.
  if (state.suspended) return refuse(deviceId, 'suspended', DecisionCode.OrgSuspended);
  if (state.activeCount >= state.limit) return refuse(deviceId, 'limit_reached', DecisionCode.LimitExceeded);
  return {
    events: [{ type: 'DeviceRegistered', data: { orgId: command.orgId, at: command.at, deviceId, labels } }],
    outcomes: [{ deviceId, outcome: 'registered' }],
  };
}

function refuse(deviceId: string, outcome: DeviceOutcome, refusal: DecisionCode): OrgDecision {
  return { events: [], outcomes: [{ deviceId, outcome }], refusal };
}

function revokeDevices(command: RevokeDevices, state: OrgState): OrgDecision {
  const events: OrgEvent[] = [];
  const revokedNow = new Set<string>();
  const outcomes = command.data.deviceIds.map((deviceId) => {
    const device = state.devices.get(deviceId);
    if (!device) return { deviceId, outcome: 'not_found' as const };
    if (device.status === 'revoked' || revokedNow.has(deviceId)) return { deviceId, outcome: 'already_revoked' as const };
    revokedNow.add(deviceId);
    events.push({
      type: 'DeviceRevoked',
      data: { orgId: command.orgId, at: command.at, deviceId, reason: command.data.reason, actor: command.actor },
    });
    return { deviceId, outcome: 'revoked' as const };
  });
  return { events, outcomes };
}

/** Restores in request order while the cap allows: unrevoke at the cap is refused. */
function restoreDevices(command: RestoreDevices, state: OrgState): OrgDecision {
  const events: OrgEvent[] = [];
  const restoredNow = new Set<string>();
  let active = state.activeCount;
  const outcomes = command.data.deviceIds.map((deviceId) => {
    const device = state.devices.get(deviceId);
    if (!device) return { deviceId, outcome: 'not_found' as const };
    if (device.status !== 'revoked' || restoredNow.has(deviceId)) return { deviceId, outcome: 'not_revoked' as const };
    if (active >= state.limit) return { deviceId, outcome: 'limit_reached' as const };
    active++;
    restoredNow.add(deviceId);
    events.push({ type: 'DeviceRestored', data: { orgId: command.orgId, at: command.at, deviceId, actor: command.actor } });
    return { deviceId, outcome: 'restored' as const };
  });
  return { events, outcomes };
}

function removeDevices(command: RemoveDevices, state: OrgState): OrgDecision {
  const events: OrgEvent[] = [];
  const removedNow = new Set<string>();
  const outcomes = command.data.deviceIds.map((deviceId) => {
    if (!state.devices.has(deviceId) || removedNow.has(deviceId)) return { deviceId, outcome: 'not_found' as const };
    removedNow.add(deviceId);
    events.push({ type: 'DeviceRemoved', data: { orgId: command.orgId, at: command.at, deviceId, actor: command.actor } });
    return { deviceId, outcome: 'removed' as const };
  });
  return { events, outcomes };
}

function checkedLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0 || limit > MAX_DEVICE_LIMIT) {
    throw OrgErrors.invalidLimit(`limit must be an integer from 0 to ${MAX_DEVICE_LIMIT}`);
  }
  return limit;
}

function assertNever(command: never): never {
  throw new WardenError('invalid', 'unknown_command', `unknown command ${(command as { type: string }).type}`);
}
