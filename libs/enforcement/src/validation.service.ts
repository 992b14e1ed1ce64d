import { decideValidation, LEDGER_UNAVAILABLE_VERDICT, type DecisionAction, type Verdict } from '@warden/domain';
import type { KeyPrincipal, PermissionProjection } from '@warden/projection';
import type { Clock } from './clock.port';
import type { DecisionRecorder } from './decision-recorder';
import { EnforcementMetrics, NoopEnforcementMetrics } from './enforcement-metrics.port';
import type { LivenessTracker } from './leases/liveness-tracker';
import type { PropagationTracker } from './acks/propagation-tracker';

export interface ValidationResult {
  readonly verdict: Verdict;
  /** The decision id: the id of its record in the ledger. */
  readonly requestId: string;
  /** Projection position the decision was made at (a consistency token), or undefined for an empty ledger. */
  readonly position: bigint | undefined;
  /** The org's lease TTL when it has leases on, else null. */
  readonly leaseTtlSeconds: number | null;
}

/**
 * Validate: decide from the projection, put the decision on the record, then answer. An
 * allow is answered only after its record is durable; if the record cannot be written the
 * answer is LEDGER_UNAVAILABLE (fail closed), whatever the decision was.
 */
export class ValidationService {
  constructor(
    private readonly projection: PermissionProjection,
    private readonly recorder: DecisionRecorder,
    private readonly clock: Clock,
    private readonly metrics: EnforcementMetrics = new NoopEnforcementMetrics(),
    /** Told of every recorded decision: a validation is a sign of life of its device. */
    private readonly liveness?: LivenessTracker,
    /** Told of every recorded decision too: recent validations make a device a propagation target. */
    private readonly propagation?: PropagationTracker,
  ) {}

  /**
   * Decides on the projection as it is now, and records. It does not wait for a consistency
   * token: the caller settles the request's token first, once, before it authenticates the
   * key (`ConsistencyWaits.reach`, through the control plane's `reachConsistencyToken`, on
   * every transport). Waiting here as well was a second wait for the same position, outside
   * the node's bound on open waits (`WARDEN_CONSISTENCY_MAX_WAITS`); since the projection never moves backwards, a token settled before
   * authentication is still reached here, so the decision cannot miss the command at that
   * position.
   */
  async validate(principal: KeyPrincipal, deviceId: string, requestId: string): Promise<ValidationResult> {
    return this.decide(principal, deviceId, requestId, 'validate');
  }

  /**
   * A heartbeat: decided and recorded exactly like a validation (action `heartbeat`), so it
   * costs what a validation costs and renews the device's lease the same way. What to answer
   * a device that is not registered or expired is the caller's (see HeartbeatService).
   */
  heartbeat(principal: KeyPrincipal, deviceId: string, requestId: string): Promise<ValidationResult> {
    return this.decide(principal, deviceId, requestId, 'heartbeat');
  }

  private async decide(principal: KeyPrincipal, deviceId: string, requestId: string, action: DecisionAction): Promise<ValidationResult> {
    const position = this.projection.position;
    if (this.projection.failed) return this.answer(LEDGER_UNAVAILABLE_VERDICT, requestId, position, null);
    const state = this.projection.org(principal.orgId);
    const decidedAt = this.clock.now();
    const decidedAtMs = Date.parse(decidedAt);
    const verdict = decideValidation(state, deviceId, decidedAtMs);
    const recorded = await this.record(principal, deviceId, requestId, action, verdict, state?.revision ?? -1, decidedAt);
    // Renewed only once the record is durable: what this node knows is what the ledger holds.
    if (recorded) {
      this.liveness?.seen(principal.orgId, deviceId, decidedAtMs, verdict.code);
      this.propagation?.seen(principal.orgId, deviceId, decidedAtMs);
    }
    return this.answer(recorded ? verdict : LEDGER_UNAVAILABLE_VERDICT, requestId, position, state?.leaseTtlSeconds ?? null);
  }

  /** Records a decision; resolves false when the ledger could not take it. */
  async record(
    principal: KeyPrincipal,
    deviceId: string,
    decisionId: string,
    action: DecisionAction,
    verdict: Verdict,
    orgRevision: number,
    decidedAt: string = this.clock.now(),
  ): Promise<boolean> {
    try {
      await this.recorder.record(
        {
          decisionId,
          orgId: principal.orgId,
          deviceId,
          action,
          allowed: verdict.allowed,
          code: verdict.code,
          orgRevision,
          decidedAt,
        },
        principal.keyId,
        decisionId,
      );
      return true;
    } catch {
      return false;
    }
  }

  private answer(verdict: Verdict, requestId: string, position: bigint | undefined, leaseTtlSeconds: number | null): ValidationResult {
    this.metrics.decisionMade(verdict.code);
    return { verdict, requestId, position, leaseTtlSeconds };
  }
}
