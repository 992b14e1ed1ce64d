/**
 * The SDK's error family. Every error the SDK throws (or puts on a lease's AbortSignal) is a
 * `WardenSdkError` with a stable `code` and a `kind`, so callers can branch without parsing
 * messages. The SDK does not depend on `@warden/domain`, hence its own small family.
 */
export type SdkErrorKind = 'denied' | 'api' | 'unavailable' | 'protocol' | 'config';

/** Base class of every error thrown by the SDK. */
export class WardenSdkError extends Error {
  constructor(
    readonly kind: SdkErrorKind,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Codes the SDK itself uses when it refuses work without a decision from the control plane. */
export const SdkDenialCode = {
  /** Nothing (no permission message, no heartbeat) was heard for longer than `maxStalenessMs`. */
  ControlPlaneStale: 'CONTROL_PLANE_STALE',
  /** A validation before work could not be completed (network, timeout, error answer). */
  ControlPlaneUnavailable: 'CONTROL_PLANE_UNAVAILABLE',
  /** The lease was closed by its owner; nothing protects work started after that. */
  LeaseClosed: 'LEASE_CLOSED',
  /** Registration was refused with a status the SDK does not know. */
  RegistrationRefused: 'REGISTRATION_REFUSED',
} as const;

/**
 * Work must not run. `code` is the control plane's decision code (`DEVICE_REVOKED`,
 * `ORG_SUSPENDED`, `LIMIT_EXCEEDED`, `DEVICE_NOT_REGISTERED`, `LEDGER_UNAVAILABLE`) or one of
 * {@link SdkDenialCode} when the SDK fails closed on its own.
 */
export class ExecutionDenied extends WardenSdkError {
  constructor(code: string, message?: string, options?: { cause?: unknown }) {
    super('denied', code, message ?? `execution denied: ${code}`, options);
  }
}

/**
 * The control plane has been silent (no permission message, no heartbeat) for longer than the
 * lease's `maxStalenessMs`: the lease can no longer know it would be told about a revoke, so it
 * fails closed. An {@link ExecutionDenied} with code `CONTROL_PLANE_STALE`.
 */
export class ControlPlaneStale extends ExecutionDenied {
  constructor(
    readonly silentMs: number,
    readonly maxStalenessMs: number,
  ) {
    super(
      SdkDenialCode.ControlPlaneStale,
      `control plane silent for ${silentMs} ms (no permission message or heartbeat; maxStalenessMs is ${maxStalenessMs}): failing closed`,
    );
  }
}

/** The lease was closed with `close()`: its signal fires with this reason. */
export class LeaseClosed extends ExecutionDenied {
  constructor() {
    super(SdkDenialCode.LeaseClosed, 'lease closed: work is no longer watched');
  }
}

/** The control plane answered with an error (4xx/5xx other than a refusal): `code` is its stable `error` field. */
export class WardenApiError extends WardenSdkError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
  ) {
    super('api', code, message);
  }
}

/** The control plane (HTTP or NATS) could not be reached, or did not answer in time. */
export class WardenUnavailableError extends WardenSdkError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unavailable', 'unavailable', message, options);
  }
}

/** The control plane answered something the SDK cannot use (not JSON, a required field missing). */
export class WardenProtocolError extends WardenSdkError {
  constructor(code: string, message: string) {
    super('protocol', code, message);
  }
}

/** Bad SDK options or environment (missing key, bad number). */
export class WardenConfigError extends WardenSdkError {
  constructor(code: string, message: string) {
    super('config', code, message);
  }
}
