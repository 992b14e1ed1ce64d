import { DEFAULT_HEARTBEAT_INTERVAL_MS, type HeartbeatMessage } from './permission-contract';

/** Where heartbeats go; NatsPermissionBroadcaster is one. */
export interface HeartbeatSink {
  publishHeartbeat(message: HeartbeatMessage): Promise<void>;
}

/** Options of {@link HeartbeatPublisher}. */
export interface HeartbeatPublisherOptions {
  readonly sink: HeartbeatSink;
  readonly nodeId: string;
  /** Ledger position the node's relay has reached (usually `() => relay.position`). */
  readonly position: () => bigint | undefined;
  /** Default DEFAULT_HEARTBEAT_INTERVAL_MS. */
  readonly intervalMs?: number;
  /** ISO time of a heartbeat (default: the system clock). */
  readonly now?: () => string;
  /** Told about each failed heartbeat; failures are otherwise swallowed and the next tick tries again. */
  readonly onError?: (error: unknown) => void;
}

const systemNow = (): string => new Date().toISOString();

/**
 * Publishes `{nodeId, at, position}` at a fixed interval so runtimes can tell a quiet
 * control plane from a dead one. A tick is skipped while the previous heartbeat is still
 * in flight; the timer is unref'd, so it never keeps the process alive.
 */
export class HeartbeatPublisher {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly options: HeartbeatPublisherOptions) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Sends a heartbeat now, then one per interval until stop(). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.options.intervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
    this.tick();
  }

  /** Stops the timer and waits for a heartbeat in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** Sends one heartbeat; never rejects (errors go to `onError`). */
  async beat(): Promise<void> {
    const { sink, nodeId, position, now = systemNow, onError } = this.options;
    try {
      const message: HeartbeatMessage = { nodeId, at: now(), position: (position() ?? 0n).toString() };
      await sink.publishHeartbeat(message);
    } catch (error) {
      try {
        onError?.(error);
      } catch {
        // The reporter failing must not turn a skipped heartbeat into an unhandled rejection.
      }
    }
  }

  private tick(): void {
    if (this.inFlight) return;
    const beat = this.beat().finally(() => {
      if (this.inFlight === beat) this.inFlight = undefined;
    });
    this.inFlight = beat;
  }
}
