import { Events, type NatsConnection } from 'nats';

/** Connection state of a NATS broadcaster: it reconnects forever until closed. */
export type NatsConnectionState = 'connected' | 'reconnecting' | 'closed';

/**
 * Follows a NATS connection's status events and tells observers when it goes away, comes
 * back, or closes for good. Starts as `connected` (it is created on a live connection).
 */
export class NatsConnectionStatus {
  private state: NatsConnectionState = 'connected';
  private readonly listeners = new Set<(state: NatsConnectionState) => void>();

  constructor(nc: NatsConnection) {
    void this.follow(nc);
    void nc.closed().then(() => this.set('closed'));
  }

  get current(): NatsConnectionState {
    return this.state;
  }

  /** Calls `listener` on every change; returns the unsubscribe. */
  onChange(listener: (state: NatsConnectionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the connection is in `state` (at once if it already is). */
  waitFor(state: NatsConnectionState): Promise<void> {
    if (this.state === state) return Promise.resolve();
    return new Promise((resolve) => {
      const stop = this.onChange((current) => {
        if (current !== state) return;
        stop();
        resolve();
      });
    });
  }

  private async follow(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === Events.Disconnect) this.set('reconnecting');
      else if (status.type === Events.Reconnect) this.set('connected');
    }
  }

  private set(state: NatsConnectionState): void {
    if (this.state === state || this.state === 'closed') return;
    this.state = state;
    for (const listener of [...this.listeners]) {
      try {
        listener(state);
      } catch {
        // A failing observer must not stop status tracking for the others.
      }
    }
  }
}
