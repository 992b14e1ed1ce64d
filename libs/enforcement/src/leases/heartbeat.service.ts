import { DecisionCode, LedgerUnavailableError, WardenError } from '@warden/domain';
import type { KeyPrincipal } from '@warden/projection';
import type { ValidationResult, ValidationService } from '../validation.service';
import type { LivenessTracker } from './liveness-tracker';

export interface HeartbeatResult extends ValidationResult {
  /** When the device's lease lapses unless it shows a sign of life again (epoch ms); null when it holds none. */
  readonly expiresAtMs: number | null;
}

const NO_LEASE_MESSAGES: Partial<Record<DecisionCode, string>> = {
  [DecisionCode.DeviceNotRegistered]: 'the device is not registered in this org; register it first',
  [DecisionCode.LeaseExpired]: 'the lease of this device expired; register it again',
};

/**
 * A runtime's sign of life. Liveness is not permission: the heartbeat of a device that is
 * locked, suspended or beyond the cap renews its lease, and the answer carries its current
 * verdict. A device that is unknown, removed or expired has no lease to renew: refused with
 * the verdict's code (the decision is on the record all the same). A heartbeat that could not
 * be recorded renewed nothing: `ledger_unavailable`.
 */
export class HeartbeatService {
  constructor(
    private readonly validation: ValidationService,
    private readonly tracker: LivenessTracker,
  ) {}

  async heartbeat(principal: KeyPrincipal, deviceId: string, requestId: string): Promise<HeartbeatResult> {
    const result = await this.validation.heartbeat(principal, deviceId, requestId);
    const { code } = result.verdict;
    if (code === DecisionCode.LedgerUnavailable) throw new LedgerUnavailableError('the heartbeat could not be recorded; the lease was not renewed');
    const refusal = NO_LEASE_MESSAGES[code];
    if (refusal !== undefined) throw new WardenError('refused', code, refusal, { deviceId, request_id: requestId });
    const lease = this.tracker.lease(principal.orgId, deviceId);
    const { verdict, position, leaseTtlSeconds } = result;
    return { verdict, requestId, position, leaseTtlSeconds, expiresAtMs: lease === undefined ? null : lease.expiresAtMs };
  }
}
