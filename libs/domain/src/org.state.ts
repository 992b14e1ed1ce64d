import type { KeyScope, Labels, LockSelector } from './org.events';
import type { PlanTier } from './plans';

/** `expired`: its lease lapsed and its seat was released; only a registration brings it back. */
export type DeviceStatus = 'active' | 'revoked' | 'expired';

export interface DeviceState {
  readonly deviceId: string;
  status: DeviceStatus;
  labels: Labels;
  registeredAt: string;
  /** Registration order inside the org; a device removed and registered again gets a new one. */
  order: number;
  revokedAt?: string;
  revokedReason?: string;
  /** When its lease expired (status `expired`). */
  expiredAt?: string;
}

/** An active lock of the org. `expiresAtMs` (epoch ms) is parsed once by evolve, for the hot path. */
export interface LockState {
  readonly lockId: string;
  readonly selector: LockSelector;
  readonly reason: string;
  readonly placedAt: string;
  readonly actor: string;
  readonly expiresAt: string | null;
  readonly expiresAtMs: number;
}

export interface KeyState {
  readonly keyId: string;
  readonly keyHash: string;
  readonly scope: KeyScope;
  readonly issuedAt: string;
}

/**
 * The state of one org, folded from its stream by `evolveOrg`.
 *
 * It is mutable on purpose: the projection holds orgs with 100,000+ devices, and copying
 * per event would make every event O(devices). `decide*` functions only read it.
 * `devices` iterates in registration order (a removed device is deleted, so a re-registered
 * one moves to the end; a restored device keeps its place).
 */
export interface OrgState {
  exists: boolean;
  orgId: string;
  name: string;
  planTier: PlanTier;
  limit: number;
  suspended: boolean;
  suspendedReason?: string;
  /** Lease TTL of the org's devices, or null when leases are off (the default). */
  leaseTtlSeconds: number | null;
  /**
   * Locks placed and not lifted, by lockId. A timed lock past its time stops matching at once
   * (decisions judge it by their own time) and is dropped by the next org event at or after it.
   */
  readonly locks: Map<string, LockState>;
  /** Active keys by keyId; a revoked key is dropped. */
  readonly keys: Map<string, KeyState>;
  readonly devices: Map<string, DeviceState>;
  activeCount: number;
  /** Revision of the last event of the org stream folded in; -1 before any. Set by whoever folds. */
  revision: number;
  nextOrder: number;
  /** Memo of the devices beyond the cap; cleared by evolve whenever it could change. */
  capDenied: ReadonlySet<string> | undefined;
}

export function initialOrgState(orgId = ''): OrgState {
  return {
    exists: false,
    orgId,
    name: '',
    planTier: 'free',
    limit: 0,
    suspended: false,
    leaseTtlSeconds: null,
    locks: new Map(),
    keys: new Map(),
    devices: new Map(),
    activeCount: 0,
    revision: -1,
    nextOrder: 0,
    capDenied: undefined,
  };
}

/** Number of admin-scoped keys still active. */
export function adminKeyCount(state: OrgState): number {
  let count = 0;
  for (const key of state.keys.values()) if (key.scope === 'admin') count++;
  return count;
}

/**
 * A copy of an org's state that evolving either one leaves the other as it was: its own
 * maps and device records; keys, labels and strings are shared (evolve replaces them, never
 * mutates them). For a second reader starting from the same fold (the relays' trackers).
 */
export function cloneOrgState(state: OrgState): OrgState {
  const devices = new Map<string, DeviceState>();
  for (const [deviceId, device] of state.devices) devices.set(deviceId, { ...device });
  return { ...state, keys: new Map(state.keys), locks: new Map(state.locks), devices, capDenied: undefined };
}
