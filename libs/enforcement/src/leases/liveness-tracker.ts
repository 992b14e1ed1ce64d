import { DecisionCode, type OrgEvent, type OrgState } from '@warden/domain';

/** One device under a lease: when it was last seen alive, and the deadline bucket it waits in. */
export interface LeaseEntry {
  readonly orgId: string;
  readonly deviceId: string;
  /** Latest sign of life known to this node (epoch ms), or the start of its watch (node start, leases turned on). */
  lastSeenMs: number;
  /** Second (epoch s) of the bucket it waits in; undefined while taken by `takeDue` or once forgotten. */
  bucket: number | undefined;
  forgotten: boolean;
}

interface OrgLeases {
  ttlMs: number;
  readonly devices: Map<string, LeaseEntry>;
}

/** A device's lease as this node sees it. */
export interface LeaseView {
  readonly lastSeenMs: number;
  readonly expiresAtMs: number;
}

/** Decision codes whose record is no sign of life: the device is not (or no longer) registered. */
const NOT_ALIVE: ReadonlySet<string> = new Set([DecisionCode.DeviceNotRegistered, DecisionCode.LeaseExpired, DecisionCode.LedgerUnavailable]);

/**
 * Liveness of the active devices of the orgs that have leases on, in memory, on this node.
 * Nothing here is a fact of the ledger: it is what this node has seen of facts that are (a
 * registration, a restore, a decision record), rebuilt at every start.
 *
 * Deadlines (lastSeen + TTL) wait in one-second buckets. A renewal only moves `lastSeenMs`
 * forward (O(1), on the validate path); the entry stays in its old bucket and is moved to the
 * right one when that bucket comes due. So a tick looks at the devices of the seconds that
 * passed, never at every device, and each live device is looked at about once per TTL.
 *
 * Plain data structure: it never reads a clock. Times come in as epoch milliseconds.
 */
export class LivenessTracker {
  private readonly orgs = new Map<string, OrgLeases>();
  private readonly buckets = new Map<number, Set<LeaseEntry>>();
  /** Every bucket before this second is empty. */
  private cursor: number | undefined;

  /** Whether any org has leases on. */
  get active(): boolean {
    return this.orgs.size > 0;
  }

  /** Number of devices under a lease. */
  get size(): number {
    let count = 0;
    for (const org of this.orgs.values()) count += org.devices.size;
    return count;
  }

  /** The org's lease TTL in seconds, or undefined when it has leases off (or is unknown). */
  ttlSeconds(orgId: string): number | undefined {
    const org = this.orgs.get(orgId);
    return org ? org.ttlMs / 1000 : undefined;
  }

  /** The device's lease, or undefined when it has none (leases off, not active). */
  lease(orgId: string, deviceId: string): LeaseView | undefined {
    const org = this.orgs.get(orgId);
    const entry = org?.devices.get(deviceId);
    return org && entry ? { lastSeenMs: entry.lastSeenMs, expiresAtMs: entry.lastSeenMs + org.ttlMs } : undefined;
  }

  /** Devices of the org whose lease has not lapsed at `nowMs`. */
  liveCount(orgId: string, nowMs: number): number {
    const org = this.orgs.get(orgId);
    if (!org) return 0;
    let live = 0;
    for (const entry of org.devices.values()) if (entry.lastSeenMs + org.ttlMs > nowMs) live++;
    return live;
  }

  /**
   * Takes on an org's state as it is now (at start, or when its leases are turned on): every
   * active device gets `sinceMs` as its last sign of life, a full TTL from then.
   */
  watchOrg(state: OrgState, sinceMs: number): void {
    if (state.leaseTtlSeconds === null) {
      this.dropOrg(state.orgId);
      return;
    }
    const org = this.orgs.get(state.orgId) ?? { ttlMs: state.leaseTtlSeconds * 1000, devices: new Map<string, LeaseEntry>() };
    this.orgs.set(state.orgId, org);
    for (const device of state.devices.values()) {
      if (device.status === 'active') this.track(org, state.orgId, device.deviceId, sinceMs);
    }
    this.setTtl(org, state.leaseTtlSeconds * 1000);
  }

  /**
   * Folds an org event, with the org's state after it: a policy change, and for device
   * events whether the device holds a lease now. A registration and a restore are signs of
   * life at the event's time (`notBeforeMs` bounds it below: the node's start).
   */
  onOrgEvent(event: OrgEvent, state: OrgState, notBeforeMs: number): void {
    const at = Math.max(Date.parse(event.data.at), notBeforeMs);
    if (event.type === 'OrgPolicySet') {
      if (event.data.leaseTtlSeconds === null) this.dropOrg(state.orgId);
      else this.watchOrg(state, at);
      return;
    }
    const org = this.orgs.get(state.orgId);
    if (!org || !('deviceId' in event.data)) return;
    const deviceId = event.data.deviceId;
    if (state.devices.get(deviceId)?.status !== 'active') {
      this.forget(org, deviceId);
      return;
    }
    const renews = event.type === 'DeviceRegistered' || event.type === 'DeviceRestored';
    this.track(org, state.orgId, deviceId, renews ? at : notBeforeMs);
  }

  /**
   * A sign of life: a decision record of the device (validate, heartbeat) decided at `atMs`
   * with `code`. Ignored unless the device holds a lease, and for codes that say it is not
   * registered (or no longer is). Never moves lastSeen back.
   */
  seen(orgId: string, deviceId: string, atMs: number, code: string): void {
    const org = this.orgs.get(orgId);
    if (org === undefined) return;
    const entry = org.devices.get(deviceId);
    if (entry === undefined || NOT_ALIVE.has(code)) return;
    if (atMs > entry.lastSeenMs) entry.lastSeenMs = atMs;
  }

  /**
   * Takes out of their buckets the devices whose deadline is at or before `nowMs` (the
   * caller re-checks them and either expires them or hands them back with `requeue`).
   * Devices renewed since they were bucketed move to the bucket of their new deadline.
   */
  takeDue(nowMs: number): LeaseEntry[] {
    const due: LeaseEntry[] = [];
    if (this.cursor === undefined) return due;
    const nowSecond = Math.floor(nowMs / 1000);
    for (let second = this.cursor; second <= nowSecond; second++) {
      const bucket = this.buckets.get(second);
      if (!bucket) continue;
      this.buckets.delete(second);
      for (const entry of bucket) {
        entry.bucket = undefined;
        const deadline = entry.lastSeenMs + this.orgs.get(entry.orgId)!.ttlMs;
        if (deadline <= nowMs) due.push(entry);
        else this.place(entry, deadline);
      }
    }
    // The current second's bucket may still hold (or have been given back) deadlines later in it.
    this.cursor = this.buckets.has(nowSecond) ? nowSecond : nowSecond + 1;
    return due;
  }

  /** Whether the device is still under a lease whose deadline is at or before `nowMs`. */
  isLapsed(entry: LeaseEntry, nowMs: number): boolean {
    const org = this.orgs.get(entry.orgId);
    return !entry.forgotten && org !== undefined && entry.lastSeenMs + org.ttlMs <= nowMs;
  }

  /** Gives back an entry taken by `takeDue`, to come due again at its deadline or at `notBeforeMs`, whichever is later. */
  requeue(entry: LeaseEntry, notBeforeMs: number): void {
    const org = this.orgs.get(entry.orgId);
    if (entry.forgotten || !org || entry.bucket !== undefined) return;
    this.place(entry, Math.max(entry.lastSeenMs + org.ttlMs, notBeforeMs));
  }

  private track(org: OrgLeases, orgId: string, deviceId: string, sinceMs: number): void {
    const entry = org.devices.get(deviceId);
    if (entry) {
      if (sinceMs > entry.lastSeenMs) entry.lastSeenMs = sinceMs;
      return;
    }
    const created: LeaseEntry = { orgId, deviceId, lastSeenMs: sinceMs, bucket: undefined, forgotten: false };
    org.devices.set(deviceId, created);
    this.place(created, sinceMs + org.ttlMs);
  }

  /** A new TTL: deadlines may come earlier, so every device of the org is put back in the right bucket. */
  private setTtl(org: OrgLeases, ttlMs: number): void {
    if (org.ttlMs === ttlMs) return;
    org.ttlMs = ttlMs;
    for (const entry of org.devices.values()) {
      if (entry.bucket === undefined) continue;
      this.unplace(entry);
      this.place(entry, entry.lastSeenMs + ttlMs);
    }
  }

  private dropOrg(orgId: string): void {
    const org = this.orgs.get(orgId);
    if (!org) return;
    for (const deviceId of [...org.devices.keys()]) this.forget(org, deviceId);
    this.orgs.delete(orgId);
  }

  private forget(org: OrgLeases, deviceId: string): void {
    const entry = org.devices.get(deviceId);
    if (!entry) return;
    org.devices.delete(deviceId);
    this.unplace(entry);
    entry.forgotten = true;
  }

  private place(entry: LeaseEntry, deadlineMs: number): void {
    const second = Math.floor(deadlineMs / 1000);
    let bucket = this.buckets.get(second);
    if (!bucket) {
      bucket = new Set();
      this.buckets.set(second, bucket);
    }
    bucket.add(entry);
    entry.bucket = second;
    if (this.cursor === undefined || second < this.cursor) this.cursor = second;
  }

  private unplace(entry: LeaseEntry): void {
    if (entry.bucket === undefined) return;
    const bucket = this.buckets.get(entry.bucket);
    bucket?.delete(entry);
    if (bucket?.size === 0) this.buckets.delete(entry.bucket);
    entry.bucket = undefined;
  }
}
