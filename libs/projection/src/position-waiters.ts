interface Waiter {
  readonly ready: () => boolean;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Tracks the position a follower has reached and wakes whoever waits for a position or a
 * condition on the followed state. Waits are rare (commands, consistency tokens), so a
 * plain list checked on each advance is enough.
 */
export class PositionWaiters {
  private reached: bigint | undefined;
  private waiters: Waiter[] = [];
  private failure: Error | undefined;

  get current(): bigint | undefined {
    return this.reached;
  }

  advance(position: bigint): void {
    this.reached = position;
    if (this.waiters.length > 0) this.wake();
  }

  fail(error: Error): void {
    this.failure = error;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }

  waitFor(position: bigint): Promise<void> {
    return this.waitUntil(() => this.reached !== undefined && this.reached >= position);
  }

  waitUntil(ready: () => boolean): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ ready, resolve, reject }));
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
