import { ExecutionDenied, WardenApiError } from './sdk.errors';
import type { WardenClient } from './warden-client';

/** Shortest interval between heartbeats, whatever the TTL says. */
const MIN_INTERVAL_MS = 100;

/**
 * A lease's heartbeats, for orgs with leases on: one `POST devices/heartbeat` every third of
 * the org's TTL (learned from the register, validate and heartbeat answers), so two can be
 * lost before the lease lapses. One at a time; the timer does not keep the process alive.
 *
 * A deny ends the lease like any other: a heartbeat refused with 403 (LEASE_EXPIRED,
 * DEVICE_NOT_REGISTERED) or answered `allowed: false` calls `onDenied` with ExecutionDenied
 * and the code. A heartbeat that gets no answer (network, 5xx) is simply tried again at the
 * next interval: the control plane expires the lease if they keep failing, and the push (or
 * the staleness clock) ends the lease.
 */
export class LeaseHeartbeat {
  private intervalMs: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private beating = false;
  private stopped = false;

  constructor(
    private readonly client: WardenClient,
    private readonly deviceId: string,
    private readonly onDenied: (denied: ExecutionDenied) => void,
  ) {}

  /** The org's TTL as an answer gave it: a positive number of seconds (leases on), anything else stops the heartbeats. */
  setTtl(leaseTtlSeconds: unknown): void {
    const on = typeof leaseTtlSeconds === 'number' && Number.isFinite(leaseTtlSeconds) && leaseTtlSeconds > 0;
    const intervalMs = on ? Math.max(MIN_INTERVAL_MS, (leaseTtlSeconds * 1000) / 3) : undefined;
    if (intervalMs === this.intervalMs) return;
    this.intervalMs = intervalMs;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.beating) this.schedule();
  }

  /** Stops for good (the lease ended). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.stopped || this.intervalMs === undefined) return;
    this.timer = setTimeout(() => void this.beat(), this.intervalMs);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    this.timer = undefined;
    this.beating = true;
    try {
      const answer = await this.client.heartbeat(this.deviceId);
      if (this.stopped) return;
      if (answer.allowed !== true) {
        const code = typeof answer.code === 'string' && answer.code !== '' ? answer.code : 'DENIED';
        this.onDenied(new ExecutionDenied(code, `device ${this.deviceId} denied by the control plane (heartbeat): ${code}`));
        return;
      }
      this.setTtl(answer.leaseTtlSeconds);
    } catch (error) {
      if (this.stopped) return;
      if (error instanceof WardenApiError && error.status === 403) {
        this.onDenied(new ExecutionDenied(error.code, `device ${this.deviceId} has no lease to renew: ${error.code} (${error.message})`, { cause: error }));
      }
    } finally {
      this.beating = false;
      if (!this.timer) this.schedule();
    }
  }
}
