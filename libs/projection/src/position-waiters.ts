interface Waiter {
  /** The position this waiter needs, or undefined for a condition on the followed state. */
  readonly target: bigint | undefined;
  readonly ready: () => boolean;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  /** Stops listening to the waiter's abort signal, if it has one. */
  release: () => void;
}

const NOTHING_TO_RELEASE = (): void => undefined;

/**
 * Tracks the position a follower has reached and wakes whoever waits for a position or a
 * condition on the followed state. Every wait can be cancelled with an `AbortSignal`: an
 * aborted wait is dropped at once and rejects with the signal's reason, so a wait that timed
 * out or whose caller went away holds nothing (before, a timed-out wait stayed in the list
 * for ever, and every applied event scanned it).
 *
 * Position waits are kept apart from condition waits, with the lowest position any of them
 * needs: an advance below it looks at none of them.
 */
export class PositionWaiters {
  private reached: bigint | undefined;
  private readonly byPosition = new Set<Waiter>();
  private readonly byCondition = new Set<Waiter>();
  /** At most the lowest target in `byPosition` (removals may leave it lower): no waiter below it. */
  private lowestTarget: bigint | undefined;
  private failure: Error | undefined;

  get current(): bigint | undefined {
    return this.reached;
  }

  /** Waits pending now (position and condition waits). */
  get size(): number {
    return this.byPosition.size + this.byCondition.size;
  }

  advance(position: bigint): void {
    this.reached = position;
    if (this.byCondition.size > 0) this.wakeConditions();
    if (this.lowestTarget !== undefined && position >= this.lowestTarget) this.wakePositions(position);
  }

  fail(error: Error): void {
    this.failure = error;
    const waiters = [...this.byPosition, ...this.byCondition];
    this.byPosition.clear();
    this.byCondition.clear();
    this.lowestTarget = undefined;
    for (const waiter of waiters) {
      waiter.release();
      waiter.reject(error);
    }
  }

  /** Resolves once `position` is reached; rejects with `signal.reason` if it aborts first. */
  waitFor(position: bigint, signal?: AbortSignal): Promise<void> {
    return this.wait(position, () => this.reached !== undefined && this.reached >= position, signal);
  }

  /** Resolves once `ready()` holds after an advance; rejects with `signal.reason` if it aborts first. */
  waitUntil(ready: () => boolean, signal?: AbortSignal): Promise<void> {
    return this.wait(undefined, ready, signal);
  }

  private wait(target: bigint | undefined, ready: () => boolean, signal: AbortSignal | undefined): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (ready()) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { target, ready, resolve, reject, release: NOTHING_TO_RELEASE };
      if (signal) {
        const onAbort = () => {
          this.remove(waiter);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiter.release = () => signal.removeEventListener('abort', onAbort);
      }
      this.add(waiter);
    });
  }

  private add(waiter: Waiter): void {
    if (waiter.target === undefined) {
      this.byCondition.add(waiter);
      return;
    }
    this.byPosition.add(waiter);
    if (this.lowestTarget === undefined || waiter.target < this.lowestTarget) this.lowestTarget = waiter.target;
  }

  private remove(waiter: Waiter): void {
    if (waiter.target === undefined) {
      this.byCondition.delete(waiter);
      return;
    }
    this.byPosition.delete(waiter);
    if (this.byPosition.size === 0) this.lowestTarget = undefined;
  }

  private wakeConditions(): void {
    for (const waiter of this.byCondition) {
      if (!waiter.ready()) continue;
      this.byCondition.delete(waiter);
      waiter.release();
      waiter.resolve();
    }
  }

  private wakePositions(position: bigint): void {
    let lowest: bigint | undefined;
    for (const waiter of this.byPosition) {
      const target = waiter.target!;
      if (target <= position) {
        this.byPosition.delete(waiter);
        waiter.release();
        waiter.resolve();
      } else if (lowest === undefined || target < lowest) {
        lowest = target;
      }
    }
    this.lowestTarget = lowest;
  }
}
