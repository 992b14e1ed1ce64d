import { DecisionCode, type DeviceOutcome, type DeviceState, type OrgState } from '@warden/domain';
import type { CommandResult, HeartbeatResult, LeaseView, ValidationResult } from '@warden/enforcement';

/** Org usage fields shared by the MachineID-compatible envelopes. */
export function usageFields(state: OrgState) {
  const remaining = Math.max(0, state.limit - state.activeCount);
  return {
    planTier: state.planTier,
    planState: state.suspended ? 'suspended' : 'active',
    accessUntil: null,
    limit: state.limit,
    devicesUsed: state.activeCount,
    remaining,
    /** True when no further device fits (at or over the cap). */
    overLimit: remaining === 0,
    softGraceWindow: false,
  };
}

/** Legacy `status` and human `reason` for each decision code. */
const VERDICT_TEXT: Readonly<Record<DecisionCode, { status: string; reason: string }>> = {
  ALLOW: { status: 'ok', reason: 'device is registered and active' },
  DEVICE_NOT_REGISTERED: { status: 'not_registered', reason: 'device is not registered in this org' },
  DEVICE_REVOKED: { status: 'revoked', reason: 'device has been revoked' },
  ORG_SUSPENDED: { status: 'suspended', reason: 'the org is suspended (kill switch engaged)' },
  LIMIT_EXCEEDED: { status: 'limit_exceeded', reason: 'device is beyond the org device cap' },
  LEDGER_UNAVAILABLE: { status: 'unavailable', reason: 'the decision could not be recorded; denied (fail closed)' },
  LEASE_EXPIRED: { status: 'lease_expired', reason: 'the device showed no sign of life within the lease TTL; register again' },
  DEVICE_LOCKED: { status: 'locked', reason: 'a lock of the org matches this device' },
};

export function validateEnvelope(deviceId: string, result: ValidationResult, orgId: string) {
  const text = VERDICT_TEXT[result.verdict.code];
  const body = {
    orgId,
    allowed: result.verdict.allowed,
    code: result.verdict.code,
    request_id: result.requestId,
    status: text.status,
    reason: text.reason,
    deviceId,
    position: positionText(result.position),
    handler: 'devices/validate',
  };
  // Only orgs with leases on see the field: the SDK learns its heartbeat interval from it.
  return result.leaseTtlSeconds === null ? body : { ...body, leaseTtlSeconds: result.leaseTtlSeconds };
}

/** The heartbeat answer (HTTP and NATS): the device's current verdict and when its lease lapses. */
export function heartbeatEnvelope(deviceId: string, result: HeartbeatResult, orgId: string) {
  return {
    status: 'ok',
    handler: 'devices/heartbeat',
    orgId,
    deviceId,
    expiresAt: isoOrNull(result.expiresAtMs),
    leaseTtlSeconds: result.leaseTtlSeconds,
    allowed: result.verdict.allowed,
    code: result.verdict.code,
    request_id: result.requestId,
    position: positionText(result.position),
  };
}

export function legacyValidateEnvelope(deviceId: string, result: ValidationResult, orgId: string) {
  return {
    ...validateEnvelope(deviceId, result, orgId),
    valid: result.verdict.allowed,
    revoked: result.verdict.code === DecisionCode.DeviceRevoked,
  };
}

/** A device in `devices/list`; `lease` is undefined when it holds none (leases off, or not active). */
export function deviceView(device: DeviceState, verdictCode: DecisionCode, lease: LeaseView | undefined) {
  return {
    deviceId: device.deviceId,
    status: device.status,
    allowed: verdictCode === DecisionCode.Allow,
    code: verdictCode,
    labels: device.labels,
    registeredAt: device.registeredAt,
    revokedAt: device.revokedAt ?? null,
    revokedReason: device.revokedReason ?? null,
    lastSeenAt: isoOrNull(lease?.lastSeenMs),
    leaseExpiresAt: isoOrNull(lease?.expiresAtMs),
  };
}

function isoOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

/** The register answer (HTTP and NATS) and the HTTP status it goes with. */
export function registerEnvelope(deviceId: string, result: CommandResult, requestId: string, orgId: string) {
  const mapped = REGISTER_STATUS[result.decision.outcomes[0]!.outcome]!;
  return {
    httpStatus: mapped.http,
    body: {
      status: mapped.status,
      handler: 'devices/register',
      deviceId,
      orgId,
      position: positionText(result.position),
      ...usageFields(result.state),
      ...(result.state.leaseTtlSeconds === null ? {} : { leaseTtlSeconds: result.state.leaseTtlSeconds }),
      ...(mapped.error ? { error: mapped.error, request_id: requestId } : {}),
    },
  };
}

/** Register outcome → MachineID `status`, HTTP status and refusal `error`. */
const REGISTER_STATUS: Partial<Record<DeviceOutcome, { status: string; http: number; error?: string }>> = {
  registered: { status: 'ok', http: 200 },
  exists: { status: 'exists', http: 200 },
  limit_reached: { status: 'limit_reached', http: 403, error: 'device_limit_reached' },
  revoked: { status: 'revoked', http: 403, error: 'device_revoked' },
  suspended: { status: 'suspended', http: 403, error: 'org_suspended' },
};

/** Ledger positions travel as decimal strings (they may exceed 2^53); "0" for an empty ledger. */
export function positionText(position: bigint | undefined): string {
  return position?.toString() ?? '0';
}
