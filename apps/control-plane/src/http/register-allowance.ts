import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';

/** Largest number of keys counted at once; the least recently renewed window goes first. */
const DEFAULT_CAPACITY = 50_000;

interface Window {
  count: number;
  startedAt: number;
}

/** What one registration did to its key's window: `current` counts it, `ttl` is the ms left. */
export interface AllowanceUse {
  readonly current: number;
  readonly ttl: number;
}

/**
 * The per-key registration allowance of this node: at most `max` registrations per key in a
 * fixed window of `windowMs` that starts with the key's first registration. Counted by key
 * hash (the raw key is never kept). HTTP (through `@fastify/rate-limit`, as its store) and NATS
 * request/reply share it, so a leaked key gets one allowance per node, whatever the transport.
 * `max` 0: no limit.
 */
export class RegisterAllowance {
  private readonly windows = new Map<string, Window>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly capacity: number = DEFAULT_CAPACITY,
  ) {}

  get enabled(): boolean {
    return this.max > 0;
  }

  /** Counts one registration for the key. */
  use(keyHash: string): AllowanceUse {
    const now = this.now();
    let window = this.windows.get(keyHash);
    if (!window || now - window.startedAt >= this.windowMs) {
      this.windows.delete(keyHash);
      if (this.windows.size >= this.capacity) this.windows.delete(this.windows.keys().next().value!);
      window = { count: 0, startedAt: now };
      this.windows.set(keyHash, window);
    }
    window.count += 1;
    return { current: window.count, ttl: window.startedAt + this.windowMs - now };
  }

  /** Counts one registration and throws `RateLimited` when it is over the allowance. */
  take(keyHash: string): void {
    if (!this.enabled) return;
    const { current, ttl } = this.use(keyHash);
    if (current > this.max) throw new RateLimited(ttl);
  }

  /** This allowance as a `@fastify/rate-limit` store (every route and child share it). */
  asStore(): FastifyRateLimitStoreCtor {
    const allowance = this;
    const store: FastifyRateLimitStore = {
      incr: (key, callback) => callback(null, allowance.use(key)),
      child: () => store,
    };
    return function SharedAllowanceStore() {
      return store;
    } as unknown as FastifyRateLimitStoreCtor;
  }
}

/** Over the allowance: answered 429 `rate_limited` (the error contract maps the status). */
export class RateLimited extends Error {
  readonly statusCode = 429;
  readonly retryAfterSeconds: number;

  constructor(ttlMs: number) {
    const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
    super(`too many registrations with this key; retry in ${seconds} s`);
    this.name = 'RateLimited';
    this.retryAfterSeconds = seconds;
  }
}
