import { BroadcastUnavailableError } from '../broadcast.errors';
import type { PermissionMessage } from '../permission-contract';
import { PermissionBroadcaster } from '../permission-broadcaster.port';

interface Waiter {
  readonly ready: () => boolean;
  readonly resolve: () => void;
}

/**
 * A PermissionBroadcaster for tests: records each published batch, can be told to fail
 * (as NATS does while down), and lets a test await "n attempts" or "n messages" instead
 * of sleeping.
 */
export class RecordingPermissionBroadcaster extends PermissionBroadcaster {
  /** Every message published successfully, in order. */
  readonly messages: PermissionMessage[] = [];
  /** Each successful publish call's messages. */
  readonly batches: PermissionMessage[][] = [];
  /** Publish calls, failed or not. */
  attempts = 0;
  private failing: Error | undefined;
  private waiters: Waiter[] = [];

  /** Every publish rejects with `error` until heal(). */
  failWith(error: Error = new BroadcastUnavailableError('injected: broadcast unavailable')): void {
    this.failing = error;
  }

  heal(): void {
    this.failing = undefined;
  }

  async publish(messages: readonly PermissionMessage[]): Promise<void> {
    this.attempts++;
    const failing = this.failing;
    if (!failing) {
      this.batches.push([...messages]);
      this.messages.push(...messages);
    }
    this.wake();
    if (failing) throw failing;
  }

  async close(): Promise<void> {
    this.failing = new BroadcastUnavailableError('closed');
  }

  /** Resolves once at least `count` messages were published. */
  waitForMessages(count: number): Promise<void> {
    return this.waitUntil(() => this.messages.length >= count);
  }

  /** Resolves once publish was called at least `count` times. */
  waitForAttempts(count: number): Promise<void> {
    return this.waitUntil(() => this.attempts >= count);
  }

  private waitUntil(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ ready, resolve }));
  }

  private wake(): void {
    const pending: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.ready()) waiter.resolve();
      else pending.push(waiter);
    }
    this.waiters = pending;
  }
}
