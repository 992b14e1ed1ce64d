/** Exit codes of `warden`: scripts and CI can tell a failed check from a broken invocation. */
export const ExitCode = {
  Ok: 0,
  /**
   * A check found a problem (mismatches, chain breaks, invariant breaches, a bad export), or the
   * control plane refused an operator command (a 4xx answer: bad key, wrong scope, unknown device).
   */
  CheckFailed: 1,
  /** Bad arguments or configuration. */
  Usage: 2,
  /** The ledger could not be read, or the control plane was unreachable or answered 5xx. */
  Unavailable: 3,
} as const;
