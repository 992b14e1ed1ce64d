import { BroadcastUnavailableError } from './broadcast.errors';
import type { PermissionMessage } from './permission-contract';
import { PermissionBroadcaster } from './permission-broadcaster.port';

/** Receives the permission messages of one watched device (its own and its org's). */
export type PermissionListener = (message: PermissionMessage) => void;

/** Options of {@link InProcessPermissionBroadcaster}. */
export interface InProcessPermissionBroadcasterOptions {
  /** Told when a listener throws; the other listeners still get the message. */
  readonly onListenerError?: (error: unknown, message: PermissionMessage) => void;
}

/** One registration; an object of its own so the same function may watch twice. */
interface Watch {
  readonly listener: PermissionListener;
}

/**
 * The in-process hub behind SSE watch streams: a listener watches one device and receives
 * that device's messages plus its org's org-level messages, or watches a whole org
 * (`watchOrg`, the operator console) and receives every message of it. Dispatch is
 * synchronous, in publish order, and allocates nothing per message; a throwing listener is
 * isolated.
 */
export class InProcessPermissionBroadcaster extends PermissionBroadcaster {
  /** orgId → deviceId → watches of that device. */
  private readonly orgs = new Map<string, Map<string, Set<Watch>>>();
  /** orgId → watches of the whole org. */
  private readonly orgWatches = new Map<string, Set<Watch>>();
  private closed = false;
  private watches = 0;

  constructor(private readonly options: InProcessPermissionBroadcasterOptions = {}) {
    super();
  }

  /** Number of live watches. */
  get watchCount(): number {
    return this.watches;
  }

  /** Whether the device has an open watch on this node (org watches do not count). */
  hasWatch(orgId: string, deviceId: string): boolean {
    return (this.orgs.get(orgId)?.get(deviceId)?.size ?? 0) > 0;
  }

  /** Starts delivering the device's messages to `listener`; returns the (idempotent) unsubscribe. */
  watch(orgId: string, deviceId: string, listener: PermissionListener): () => void {
    let devices = this.orgs.get(orgId);
    if (!devices) {
      devices = new Map();
      this.orgs.set(orgId, devices);
    }
    let watches = devices.get(deviceId);
    if (!watches) {
      watches = new Set();
      devices.set(deviceId, watches);
    }
    const watch: Watch = { listener };
    watches.add(watch);
    this.watches++;
    return () => this.unwatch(orgId, deviceId, watch);
  }

  /** Starts delivering every message of the org (device and org-level) to `listener`; returns the (idempotent) unsubscribe. */
  watchOrg(orgId: string, listener: PermissionListener): () => void {
    let watches = this.orgWatches.get(orgId);
    if (!watches) {
      watches = new Set();
      this.orgWatches.set(orgId, watches);
    }
    const watch: Watch = { listener };
    watches.add(watch);
    this.watches++;
    return () => {
      const current = this.orgWatches.get(orgId);
      if (!current || !current.delete(watch)) return;
      this.watches--;
      if (current.size === 0) this.orgWatches.delete(orgId);
    };
  }

  /** Delivers each message to its watchers before resolving. Rejects once closed. */
  publish(messages: readonly PermissionMessage[]): Promise<void> {
    if (this.closed) return Promise.reject(new BroadcastUnavailableError('the in-process broadcaster is closed'));
    for (const message of messages) this.dispatch(message);
    return Promise.resolve();
  }

  /** Drops every watch; later publishes reject. */
  async close(): Promise<void> {
    this.closed = true;
    this.orgs.clear();
    this.orgWatches.clear();
    this.watches = 0;
  }

  private dispatch(message: PermissionMessage): void {
    const whole = this.orgWatches.get(message.orgId);
    if (whole) this.deliver(whole, message);
    const devices = this.orgs.get(message.orgId);
    if (!devices) return;
    if (message.deviceId !== null) {
      const watches = devices.get(message.deviceId);
      if (watches) this.deliver(watches, message);
      return;
    }
    for (const watches of devices.values()) this.deliver(watches, message);
  }

  private deliver(watches: ReadonlySet<Watch>, message: PermissionMessage): void {
    for (const watch of watches) {
      try {
        watch.listener(message);
      } catch (error) {
        this.report(error, message);
      }
    }
  }

  private report(error: unknown, message: PermissionMessage): void {
    try {
      this.options.onListenerError?.(error, message);
    } catch {
      // The error reporter failing must not stop delivery to the remaining watchers either.
    }
  }

  private unwatch(orgId: string, deviceId: string, watch: Watch): void {
    const devices = this.orgs.get(orgId);
    const watches = devices?.get(deviceId);
    if (!devices || !watches || !watches.delete(watch)) return;
    this.watches--;
    if (watches.size > 0) return;
    devices.delete(deviceId);
    if (devices.size === 0) this.orgs.delete(orgId);
  }
}
