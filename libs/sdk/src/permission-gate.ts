import { ControlPlaneStale, ExecutionDenied } from './sdk.errors';
import type { PermissionUpdate } from './permission-messages';
import { PositionTracker } from './position-tracker';
import { StalenessMonitor } from './staleness-monitor';

/** What a watch (NATS or SSE) reports to: parsed messages, and proof that the control plane is alive. */
export interface WatchSink {
  /** A permission message (live or read back from storage). */
  permission(update: PermissionUpdate): void;
  /** Something live came from the control plane (a heartbeat, a pushed message): resets the staleness clock. */
  alive(): void;
}

/** A running watch over one transport; `close()` is idempotent. */
export interface PermissionWatch {
  close(): Promise<void>;
}

/** Who the gate guards. `orgId` is unknown only when the control plane did not say (SSE works without it). */
export interface GateIdentity {
  readonly deviceId: string;
  readonly orgId: string | undefined;
}

/** Told of every change the gate applied (deny or allow); `stoppedAt` is when a deny aborted the signal. */
export type AppliedListener = (update: PermissionUpdate, receivedAt: Date, stoppedAt: Date | undefined) => void;

/**
 * The lease's one-way switch. It takes what the watch hears, drops what is not for this
 * device or its org and what is not newer (per subject) than what it already knows, and
 * aborts its signal, once and for good, on the first `allowed: false` or when the control
 * plane has been silent too long. `allowed: true` never reopens it.
 */
export class PermissionGate implements WatchSink {
  private readonly controller = new AbortController();
  private readonly positions: PositionTracker;
  private readonly staleness: StalenessMonitor;
  private readonly endListeners: Array<() => void> = [];

  constructor(
    private readonly identity: GateIdentity,
    maxStalenessMs: number,
    floor: bigint,
    private readonly onApplied?: AppliedListener,
  ) {
    this.positions = new PositionTracker(floor);
    this.staleness = new StalenessMonitor(maxStalenessMs, (silentMs) => this.end(new ControlPlaneStale(silentMs, maxStalenessMs)));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the gate closed, or undefined while it is open. */
  get reason(): ExecutionDenied | undefined {
    return this.controller.signal.aborted ? (this.controller.signal.reason as ExecutionDenied) : undefined;
  }

  /** Starts the staleness clock: from now, silence longer than maxStalenessMs closes the gate. */
  start(): void {
    this.staleness.start();
  }

  permission(update: PermissionUpdate): void {
    if (this.controller.signal.aborted) return;
    const { deviceId, orgId } = this.identity;
    if (orgId !== undefined && update.orgId !== orgId) return;
    if (update.deviceId !== null && update.deviceId !== deviceId) return;
    if (!this.positions.advance(update.deviceId === null ? 'org' : 'device', update.position)) return;
    const receivedAt = new Date();
    if (update.allowed) {
      this.onApplied?.(update, receivedAt, undefined);
      return;
    }
    const code = update.code || 'DENIED';
    const scope = update.deviceId === null ? `org ${update.orgId}` : `device ${deviceId}`;
    this.end(new ExecutionDenied(code, `${scope} denied by the control plane: ${code} (position ${update.position})`));
    // After the abort: acknowledging never delays the stop.
    this.onApplied?.(update, receivedAt, new Date());
  }

  alive(): void {
    if (!this.controller.signal.aborted) this.staleness.heard();
  }

  /** Closes the gate with `reason` (no-op when already closed). */
  end(reason: ExecutionDenied): void {
    if (this.controller.signal.aborted) return;
    this.staleness.stop();
    this.controller.abort(reason);
    for (const listener of this.endListeners.splice(0)) listener();
  }

  /** Runs `listener` once when the gate closes (at once if it already is). */
  onEnd(listener: () => void): void {
    if (this.controller.signal.aborted) listener();
    else this.endListeners.push(listener);
  }
}
