/**
 * Shapes of the control plane's HTTP answers (MachineID-compatible, README "HTTP API"). Only
 * the fields the SDK relies on are typed strictly; the rest pass through untouched.
 */

/** Device labels sent with a registration. */
export type DeviceLabels = Readonly<Record<string, string>>;

/** Registration outcomes: `ok`/`exists` register the device, the others are refusals (HTTP 403). */
export type RegisterStatus = 'ok' | 'exists' | 'limit_reached' | 'revoked' | 'suspended';

/** Answer of `POST devices/register`, returned as-is for a refusal too. */
export interface RegisterResponse {
  readonly status: RegisterStatus | (string & {});
  /** Set on refusals: `device_limit_reached`, `device_revoked`, `org_suspended`. */
  readonly error?: string;
  readonly handler?: string;
  readonly deviceId?: string;
  readonly planTier?: string;
  readonly planState?: string;
  readonly limit?: number;
  readonly devicesUsed?: number;
  readonly remaining?: number;
  readonly overLimit?: boolean;
  /** The org's lease TTL in seconds, present only when the org has leases on. */
  readonly leaseTtlSeconds?: number;
  readonly [field: string]: unknown;
}

/** Answer of `POST devices/validate`: a binary decision with a stable code. */
export interface ValidateResponse {
  readonly allowed: boolean;
  readonly code: string;
  readonly request_id: string;
  readonly status: string;
  readonly reason: string;
  readonly deviceId: string;
  /** Projection position (decimal string) the decision was made at. */
  readonly position: string;
  /** The caller's org; needed to build the NATS permission subjects. */
  readonly orgId?: string;
  /** The org's lease TTL in seconds, present only when the org has leases on: heartbeat at a third of it. */
  readonly leaseTtlSeconds?: number;
  readonly [field: string]: unknown;
}

/**
 * Answer of `POST devices/heartbeat`: the device's current verdict (liveness is not
 * permission) and when its lease lapses. An unknown, removed or expired device is answered
 * 403 with the code in `error` (thrown as WardenApiError).
 */
export interface HeartbeatResponse {
  readonly status: string;
  readonly deviceId: string;
  /** ISO time the lease lapses without another sign of life; null when the org has leases off. */
  readonly expiresAt: string | null;
  readonly leaseTtlSeconds: number | null;
  readonly allowed: boolean;
  readonly code: string;
  readonly request_id: string;
  readonly position: string;
  readonly [field: string]: unknown;
}

/** Any other JSON answer (list, revoke, unrevoke, remove, usage). */
export interface WardenResponse {
  readonly status?: string;
  readonly [field: string]: unknown;
}

/** The control plane's decision codes (DESIGN section 4). Only ALLOW allows. */
export const DecisionCode = {
  Allow: 'ALLOW',
  DeviceNotRegistered: 'DEVICE_NOT_REGISTERED',
  DeviceRevoked: 'DEVICE_REVOKED',
  OrgSuspended: 'ORG_SUSPENDED',
  LimitExceeded: 'LIMIT_EXCEEDED',
  LedgerUnavailable: 'LEDGER_UNAVAILABLE',
  LeaseExpired: 'LEASE_EXPIRED',
  DeviceLocked: 'DEVICE_LOCKED',
} as const;
