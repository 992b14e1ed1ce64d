import type { LeaseHeartbeat } from './lease-heartbeat';
import type { PermissionGate, PermissionWatch } from './permission-gate';
import { ExecutionDenied, LeaseClosed, SdkDenialCode } from './sdk.errors';
import type { WardenClient } from './warden-client';

/** How a lease hears about permission changes. */
export type WatchTransport = 'nats' | 'sse';

/** The parts a lease is made of; built by `startLease`. */
export interface LeaseParts {
  readonly client: WardenClient;
  readonly deviceId: string;
  readonly orgId: string | undefined;
  readonly transport: WatchTransport;
  readonly gate: PermissionGate;
  readonly watch: PermissionWatch;
  /** Heartbeats while the org has leases on; stopped when the lease ends. */
  readonly heartbeat: LeaseHeartbeat;
}

/**
 * Permission to work, held while the control plane keeps allowing it. `signal` fires once and
 * for good when a deny is pushed (reason: {@link ExecutionDenied} with the decision code), when
 * the control plane has been silent longer than `maxStalenessMs` (reason: `ControlPlaneStale`),
 * when a `guard` validation or a heartbeat is denied (a lapsed lease: LEASE_EXPIRED), or when
 * the lease is closed (reason: {@link LeaseClosed}). While the org has leases on it heartbeats
 * by itself at a third of the TTL. Once it has fired the lease stops watching and
 * heartbeating and releases its connection.
 */
export class Lease {
  readonly deviceId: string;
  /** The device's org, as the control plane named it (undefined only over SSE to an older control plane). */
  readonly orgId: string | undefined;
  readonly transport: WatchTransport;
  private readonly client: WardenClient;
  private readonly gate: PermissionGate;
  private readonly watch: PermissionWatch;
  private readonly heartbeat: LeaseHeartbeat;
  private closing: Promise<void> | undefined;

  /** Use `startLease` or `WardenClient.start`: a lease exists only after startup enforcement passed. */
  constructor(parts: LeaseParts) {
    this.deviceId = parts.deviceId;
    this.orgId = parts.orgId;
    this.transport = parts.transport;
    this.client = parts.client;
    this.gate = parts.gate;
    this.watch = parts.watch;
    this.heartbeat = parts.heartbeat;
    this.gate.onEnd(() => this.heartbeat.stop());
    // Released on a later turn of the event loop, not inside the abort: the abort itself (and
    // whatever else the same I/O turn delivers) stays fast.
    this.gate.onEnd(() => void setImmediate(() => void this.release()));
  }

  /** Aborts when the work must stop; pass it to everything cancellable (fetch, child processes, loops). */
  get signal(): AbortSignal {
    return this.gate.signal;
  }

  /** Why the lease ended, or undefined while it holds. */
  get reason(): ExecutionDenied | undefined {
    return this.gate.reason;
  }

  /** The code of the reason (`DEVICE_REVOKED`, `ORG_SUSPENDED`, `CONTROL_PLANE_STALE`, `LEASE_CLOSED`, …), or undefined while it holds. */
  get deniedCode(): string | undefined {
    return this.gate.reason?.code;
  }

  /** True while the lease holds. */
  get active(): boolean {
    return !this.gate.signal.aborted;
  }

  /**
   * Validates over HTTP, then runs `fn` with the lease's signal and answers its result. Never
   * runs `fn` when the lease has ended, when the validation is denied (which also ends the
   * lease) or when it cannot be completed: throws {@link ExecutionDenied} instead (code
   * `CONTROL_PLANE_UNAVAILABLE` for the latter, with the cause).
   */
  async guard<T>(fn: (signal: AbortSignal) => T | Promise<T>): Promise<T> {
    this.throwIfEnded();
    let allowed: boolean;
    let code: string;
    try {
      const verdict = await this.client.validate(this.deviceId);
      // The answer says whether the org has leases on (now): heartbeat accordingly.
      if (!this.gate.signal.aborted) this.heartbeat.setTtl(verdict.leaseTtlSeconds);
      allowed = verdict.allowed === true;
      code = typeof verdict.code === 'string' && verdict.code !== '' ? verdict.code : 'DENIED';
    } catch (error) {
      this.throwIfEnded();
      const why = error instanceof Error ? error.message : String(error);
      throw new ExecutionDenied(SdkDenialCode.ControlPlaneUnavailable, `could not validate ${this.deviceId} before work: ${why}`, { cause: error });
    }
    if (!allowed) {
      const denied = new ExecutionDenied(code, `device ${this.deviceId} denied by the control plane: ${code}`);
      this.gate.end(denied);
      throw denied;
    }
    this.throwIfEnded();
    return fn(this.signal);
  }

  /**
   * Ends the lease: the signal fires with {@link LeaseClosed} (unless it already fired), and the
   * watch, its timers and its connection are released. Work still running after this is no
   * longer watched, hence the abort. Idempotent.
   */
  close(): Promise<void> {
    this.gate.end(new LeaseClosed());
    return this.release();
  }

  private release(): Promise<void> {
    this.closing ??= this.watch.close();
    return this.closing;
  }

  private throwIfEnded(): void {
    const reason = this.gate.reason;
    if (reason) throw reason;
  }
}
