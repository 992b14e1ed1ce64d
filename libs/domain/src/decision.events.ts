import type { DecisionCode } from './decision-codes';

/** `heartbeat`: a sign of life that also answers the device's verdict (leases). */
export type DecisionAction = 'validate' | 'register' | 'heartbeat';

/**
 * A decision record, written to `decisions-<nodeId>` before an allow is answered.
 * `orgRevision` is the revision of the org stream the decision was made at, so replay can
 * re-decide it against exactly the same state.
 */
export interface PermissionDecided {
  readonly type: 'PermissionDecided';
  readonly data: {
    readonly decisionId: string;
    readonly orgId: string;
    readonly deviceId: string;
    readonly action: DecisionAction;
    readonly allowed: boolean;
    readonly code: DecisionCode;
    readonly orgRevision: number;
    readonly decidedAt: string;
  };
}
