import type { Clock } from '../clock.port';
import { stampCommand } from '../command-stamp';
import type { IdSource } from '../id-source.port';
import type { OrgCommandService } from '../org-command.service';
import type { LivenessFeed } from './liveness-feed';
import type { LeaseEntry, LivenessTracker } from './liveness-tracker';

export interface LeaseExpirerOptions {
  /** How often it looks for lapsed leases (the timer is unref'd). */
  readonly intervalMs: number;
  /** Longest wait for the decisions of other replicas to be followed up to the ledger's head. */
  readonly caughtUpTimeoutMs: number;
  /** When a device could not be expired (ledger down, not caught up), how long before it is tried again. */
  readonly retryMs: number;
  /** Most devices in one ExpireLeases command (one append). */
  readonly maxDevicesPerCommand: number;
}

const DEFAULTS: LeaseExpirerOptions = { intervalMs: 250, caughtUpTimeoutMs: 2000, retryMs: 1000, maxDevicesPerCommand: 1000 };

/** The actor recorded on DeviceLeaseExpired events. */
export const LEASE_EXPIRER_ACTOR = 'system';

/**
 * Expires lapsed leases: on a timer, never on the validate path. Each pass takes the devices
 * whose deadline passed, waits until the decision records of every replica have been
 * followed up to the ledger's head (a sign of life another replica recorded must count),
 * checks them again, and runs one ExpireLeases per org with the lapsed ones. Replicas may
 * race: the command is decided against its own time and the lastSeenAt it names, so the
 * second append conflicts on the org stream, is decided again after catching up, and
 * writes nothing.
 */
export class LeaseExpirer {
  private readonly options: LeaseExpirerOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly tracker: LivenessTracker,
    private readonly feed: LivenessFeed,
    private readonly commands: OrgCommandService,
    private readonly clock: Clock,
    private readonly ids: IdSource,
    options: Partial<LeaseExpirerOptions> = {},
    /** Told of a command that failed (the devices are tried again later). */
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass unless one is already running. */
  private tick(): void {
    if (this.running) return;
    this.running = this.runOnce()
      .catch(this.onError)
      .finally(() => (this.running = undefined));
  }

  /** One pass: answers how many devices it expired. */
  async runOnce(): Promise<number> {
    const due = this.tracker.takeDue(this.now());
    if (due.length === 0) return 0;
    try {
      if (!(await this.feed.caughtUp(this.options.caughtUpTimeoutMs))) {
        // Not knowing every replica's signs of life, expire nothing (a live device must never be expired by mistake).
        if (this.feed.failed) this.onError(this.feed.failed);
        return 0;
      }
      const now = this.now();
      const lapsedByOrg = new Map<string, LeaseEntry[]>();
      for (const entry of due) {
        if (!this.tracker.isLapsed(entry, now)) continue;
        const lapsed = lapsedByOrg.get(entry.orgId) ?? [];
        lapsed.push(entry);
        lapsedByOrg.set(entry.orgId, lapsed);
      }
      let expired = 0;
      for (const [orgId, lapsed] of lapsedByOrg) {
        for (let from = 0; from < lapsed.length; from += this.options.maxDevicesPerCommand) {
          expired += await this.expire(orgId, lapsed.slice(from, from + this.options.maxDevicesPerCommand));
        }
      }
      return expired;
    } finally {
      // Expired devices were forgotten when the projection applied the events; renewed ones
      // go to their new deadline; the rest come back after retryMs.
      const retryAt = this.now() + this.options.retryMs;
      for (const entry of due) this.tracker.requeue(entry, this.tracker.isLapsed(entry, this.now()) ? retryAt : 0);
    }
  }

  private async expire(orgId: string, lapsed: readonly LeaseEntry[]): Promise<number> {
    const devices = lapsed.map((entry) => ({ deviceId: entry.deviceId, lastSeenAt: new Date(entry.lastSeenMs).toISOString() }));
    try {
      const result = await this.commands.execute(
        stampCommand({ type: 'ExpireLeases', data: { devices } }, { orgId, keyId: LEASE_EXPIRER_ACTOR }, this.clock),
        { correlationId: this.ids.uuid() },
      );
      return result.decision.events.length;
    } catch (error) {
      this.onError(error);
      return 0;
    }
  }

  private now(): number {
    return Date.parse(this.clock.now());
  }
}
