/** The stable codes of a permission decision (DESIGN section 4). Enforcement is binary: only ALLOW allows. */
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

export type DecisionCode = (typeof DecisionCode)[keyof typeof DecisionCode];

export const DECISION_CODES: readonly DecisionCode[] = Object.values(DecisionCode);

/** A permission verdict: `allowed` is true exactly when `code` is ALLOW. */
export interface Verdict {
  readonly allowed: boolean;
  readonly code: DecisionCode;
}

/** The fail-closed verdict given when a decision could not be recorded or the state cannot be trusted. */
export const LEDGER_UNAVAILABLE_VERDICT: Verdict = Object.freeze({ allowed: false, code: DecisionCode.LedgerUnavailable });
