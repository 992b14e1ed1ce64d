import { WardenError } from '@warden/domain';

/** What the tracker needs of a pushed permission message (the relay's `PermissionMessage`). */
export interface ObservedChange {
  readonly orgId: string;
  /** null for the org-level message. */
  readonly deviceId: string | null;
  readonly position: string;
  readonly at: string;
}

/** One control event that changed permissions, as this node's relay processed it. */
export interface TrackedChange {
  readonly orgId: string;
  readonly position: string;
  readonly committedAt: string;
  /** Devices whose permission the event changed (they got a device message). */
  readonly changed: Set<string>;
  /** The changed devices that were live when the relay processed the change. */
  readonly targets: Set<string>;
  /** deviceId → the ack's recordedAt in ms (set once the ack is durable). */
  readonly acks: Map<string, number>;
  /** deviceId → an ack being written, so a repeat arriving meanwhile is not stored twice. */
  readonly writing: Map<string, Promise<void>>;
}

export interface PropagationReport {
  position: string;
  committedAt: string;
  targets: number;
  acked: number;
  pending: string[];
  lagging: string[];
  complete: boolean;
  ackLatencyMs: { p50: number | null; p90: number | null; p99: number | null; max: number | null };
}

export interface PropagationTrackerOptions {
  /** Most changed positions kept (all orgs together); older ones are forgotten. */
  maxChanges: number;
  /** A target with no ack this long after the commit is lagging. */
  ackDeadlineMs: number;
  /** A device validated or heartbeated on this node this recently is live. */
  liveWindowMs: number;
  /** Most devices remembered with their last validation (older ones are pruned first). */
  maxRecent?: number;
}

export const PropagationErrors = {
  changeNotKnown: (position: string) =>
    new WardenError('not-found', 'change_not_known', `no permission change at position ${position} is known to this node (unknown, or older than its window)`),
  ackNotExpected: (deviceId: string, position: string) =>
    new WardenError('invalid', 'ack_not_expected', `the change at position ${position} did not change the permission of device ${deviceId}`),
} as const;

/**
 * In memory, per node: the permission changes the SSE relay processed (by org and position),
 * the devices each changed, the live ones among them (its targets, decided when the relay
 * processed the change) and the acks recorded by this node. Bounded to the last `maxChanges`
 * positions; positions before the window (or before the node started) are not known.
 */
export class PropagationTracker {
  private readonly orgs = new Map<string, Map<string, TrackedChange>>();
  private readonly order: TrackedChange[] = [];
  private head = 0;
  /** Positions at or before this one are not known (node start, then the oldest forgotten one). */
  private knownAfter: bigint | undefined;
  /** The newest position the relay processed: later ones are not known yet. */
  private newest: bigint | undefined;
  /** The relay has handled every event up to here (pushed, or nothing to push). */
  private handled: bigint | undefined;
  /** orgId → who waits for news of the org's changes (observed, acked). */
  private readonly listeners = new Map<string, Set<() => void>>();
  /** Who waits for the relay to move on. */
  private readonly progress = new Set<() => void>();

  /** orgId → deviceId → last validation or heartbeat on this node (ms). */
  private readonly recent = new Map<string, Map<string, number>>();
  private recentSize = 0;

  /**
   * `isLive`: other signs of life (an open watch, an unexpired lease) at the moment a change is
   * processed. `onAck`: told of each ack made durable, with its latency from the commit (metrics).
   */
  constructor(
    private readonly isLive: (orgId: string, deviceId: string, nowMs: number) => boolean,
    private readonly options: PropagationTrackerOptions,
    private readonly now: () => number = Date.now,
    private readonly onAck?: (orgId: string, latencyMs: number) => void,
  ) {}

  /** The deadline past which a pending target is lagging. */
  get ackDeadlineMs(): number {
    return this.options.ackDeadlineMs;
  }

  /** A validation or heartbeat of the device, recorded on this node at `atMs`. */
  seen(orgId: string, deviceId: string, atMs: number): void {
    let devices = this.recent.get(orgId);
    if (!devices) {
      devices = new Map();
      this.recent.set(orgId, devices);
    }
    if (!devices.has(deviceId)) this.recentSize++;
    devices.set(deviceId, atMs);
    if (this.recentSize > (this.options.maxRecent ?? 100_000)) this.pruneRecent(atMs);
  }

  /** The relay starts after `position`: changes at or before it were never seen. */
  startAfter(position: bigint | undefined): void {
    if (position !== undefined && (this.knownAfter === undefined || position > this.knownAfter)) this.knownAfter = position;
  }

  /** Takes the messages the relay is about to deliver; idempotent (a retried publish adds nothing). */
  observe(messages: readonly ObservedChange[]): void {
    const nowMs = this.now();
    for (const message of messages) this.take(message, nowMs);
    if (this.listeners.size > 0) for (const orgId of new Set(messages.map((message) => message.orgId))) this.notify(orgId);
  }

  /** The relay has handled every event up to `position` (its checkpoint): a change it did not push there never will be. */
  reached(position: bigint): void {
    if (this.handled !== undefined && position <= this.handled) return;
    this.handled = position;
    for (const listener of [...this.progress]) listener();
  }

  /** Whether the relay has handled the event at `position` (so its change, if any, is known). */
  hasHandled(position: bigint): boolean {
    return this.handled !== undefined && position <= this.handled;
  }

  /** Calls `listener` on news of the org's changes (one observed, one acked); returns the unsubscribe. */
  listen(orgId: string, listener: () => void): () => void {
    let set = this.listeners.get(orgId);
    if (!set) {
      set = new Set();
      this.listeners.set(orgId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(orgId) === set) this.listeners.delete(orgId);
    };
  }

  /** Calls `listener` each time the relay has handled more of the ledger; returns the unsubscribe. */
  onProgress(listener: () => void): () => void {
    this.progress.add(listener);
    return () => this.progress.delete(listener);
  }

  /** Records that `deviceId`'s ack of `change` is durable at `atMs`, and tells who listens. */
  recordAck(change: TrackedChange, deviceId: string, atMs: number): void {
    if (change.acks.has(deviceId)) return;
    change.acks.set(deviceId, atMs);
    if (change.targets.has(deviceId)) this.onAck?.(change.orgId, Math.max(0, atMs - Date.parse(change.committedAt)));
    this.notify(change.orgId);
  }

  private take(message: ObservedChange, nowMs: number): void {
    const change = this.changeFor(message);
    const position = BigInt(message.position);
    if (this.newest === undefined || position > this.newest) this.newest = position;
    if (message.deviceId === null || change.changed.has(message.deviceId)) return;
    change.changed.add(message.deviceId);
    if (this.live(message.orgId, message.deviceId, nowMs)) change.targets.add(message.deviceId);
  }

  private notify(orgId: string): void {
    const set = this.listeners.get(orgId);
    if (set) for (const listener of [...set]) listener();
  }

  /**
   * The change at `position` that an ack of `deviceId` answers. Throws change_not_known for a
   * position outside the window (before the node started or the oldest kept change, or after
   * the newest processed), ack_not_expected for one inside it that did not change the device.
   */
  expect(orgId: string, deviceId: string, position: string): TrackedChange {
    const change = this.orgs.get(orgId)?.get(position);
    if (change) {
      if (!change.changed.has(deviceId)) throw PropagationErrors.ackNotExpected(deviceId, position);
      return change;
    }
    const at = BigInt(position);
    const outside = (this.knownAfter !== undefined && at <= this.knownAfter) || this.newest === undefined || at > this.newest;
    if (outside) throw PropagationErrors.changeNotKnown(position);
    throw PropagationErrors.ackNotExpected(deviceId, position);
  }

  /** The change of the org at `position`; throws change_not_known. */
  change(orgId: string, position: string): TrackedChange {
    const change = this.find(orgId, position);
    if (!change) throw PropagationErrors.changeNotKnown(position);
    return change;
  }

  /** The change of the org at `position`, if this node knows it. */
  find(orgId: string, position: string): TrackedChange | undefined {
    return this.orgs.get(orgId)?.get(position);
  }

  /**
   * The report at `nowMs` of a change, or of the changes of one command (a batch revoke commits
   * one event per device): their targets together, named by the last one's position and time.
   */
  report(changes: TrackedChange | readonly TrackedChange[], nowMs: number): PropagationReport {
    const list = Array.isArray(changes) ? changes : [changes as TrackedChange];
    const last = list.at(-1)!;
    const pending: string[] = [];
    const lagging: string[] = [];
    const latencies: number[] = [];
    let targets = 0;
    for (const change of list) {
      const committedMs = Date.parse(change.committedAt);
      const late = nowMs - committedMs >= this.options.ackDeadlineMs;
      targets += change.targets.size;
      for (const deviceId of change.targets) {
        const at = change.acks.get(deviceId);
        if (at !== undefined) latencies.push(Math.max(0, at - committedMs));
        else {
          pending.push(deviceId);
          if (late) lagging.push(deviceId);
        }
      }
    }
    latencies.sort((a, b) => a - b);
    return {
      position: last.position,
      committedAt: last.committedAt,
      targets,
      acked: latencies.length,
      pending,
      lagging,
      complete: pending.length === 0,
      ackLatencyMs: { p50: quantile(latencies, 0.5), p90: quantile(latencies, 0.9), p99: quantile(latencies, 0.99), max: latencies.at(-1) ?? null },
    };
  }

  /**
   * orgId → how many distinct devices are lagging at `nowMs`: a target with no ack of a change
   * committed at least the ack deadline ago and at most `horizonMs` ago (so a runtime that died
   * stops counting after the horizon). Scans the kept changes from the newest, stopping at the
   * horizon: its cost is that of the recent changes' targets.
   */
  laggingByOrg(nowMs: number, horizonMs: number): Map<string, number> {
    const devices = new Map<string, Set<string>>();
    for (let i = this.order.length - 1; i >= this.head; i--) {
      const change = this.order[i]!;
      const age = nowMs - Date.parse(change.committedAt);
      if (age > horizonMs) break;
      if (age < this.options.ackDeadlineMs) continue;
      for (const deviceId of change.targets) {
        if (change.acks.has(deviceId)) continue;
        let set = devices.get(change.orgId);
        if (!set) devices.set(change.orgId, (set = new Set()));
        set.add(deviceId);
      }
    }
    return new Map([...devices].map(([orgId, set]) => [orgId, set.size]));
  }

  private live(orgId: string, deviceId: string, nowMs: number): boolean {
    const seenAt = this.recent.get(orgId)?.get(deviceId);
    if (seenAt !== undefined && nowMs - seenAt <= this.options.liveWindowMs) return true;
    return this.isLive(orgId, deviceId, nowMs);
  }

  /** Drops the devices not seen within the window; if that is not enough, forgets them all. */
  private pruneRecent(nowMs: number): void {
    for (const [orgId, devices] of this.recent) {
      for (const [deviceId, at] of devices) {
        if (nowMs - at > this.options.liveWindowMs) {
          devices.delete(deviceId);
          this.recentSize--;
        }
      }
      if (devices.size === 0) this.recent.delete(orgId);
    }
    if (this.recentSize > (this.options.maxRecent ?? 100_000)) {
      this.recent.clear();
      this.recentSize = 0;
    }
  }

  private changeFor(message: ObservedChange): TrackedChange {
    let changes = this.orgs.get(message.orgId);
    if (!changes) {
      changes = new Map();
      this.orgs.set(message.orgId, changes);
    }
    let change = changes.get(message.position);
    if (!change) {
      change = { orgId: message.orgId, position: message.position, committedAt: message.at, changed: new Set(), targets: new Set(), acks: new Map(), writing: new Map() };
      changes.set(message.position, change);
      this.order.push(change);
      this.evict();
    }
    return change;
  }

  private evict(): void {
    while (this.order.length - this.head > this.options.maxChanges) {
      const oldest = this.order[this.head++]!;
      const changes = this.orgs.get(oldest.orgId);
      changes?.delete(oldest.position);
      if (changes?.size === 0) this.orgs.delete(oldest.orgId);
      this.startAfter(BigInt(oldest.position));
    }
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
  }
}

/** Nearest-rank quantile of sorted values; null when there are none. */
function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
