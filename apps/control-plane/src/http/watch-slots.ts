import { WardenError } from '@warden/domain';
import type { KeyPrincipal } from '@warden/projection';

/**
 * The SSE watch slots of this node. Each open watch holds a connection (a file descriptor)
 * and its buffers for as long as the client likes, so one leaked key could otherwise open
 * watches until the node has no descriptor left for anyone, of any org. At most `maxPerKey`
 * watches per key and `max` in all; beyond either, `acquire` refuses at once with 429
 * `too_many_watches`, before anything is opened. Slots are counted per key (org + key id),
 * and per org for the `warden_watches_open` gauge.
 */
export class WatchSlots {
  private readonly byKey = new Map<string, number>();
  private readonly byOrg = new Map<string, number>();
  private open = 0;

  constructor(
    readonly maxPerKey: number,
    readonly max: number,
  ) {}

  /** Watches open now. */
  get count(): number {
    return this.open;
  }

  /** Watches open now, per org (orgs with none are left out). */
  openByOrg(): ReadonlyMap<string, number> {
    return this.byOrg;
  }

  /**
   * Takes a slot for a watch of `principal`'s key, or throws `too_many_watches` (429). Returns
   * the function that gives it back; calling it more than once gives it back once.
   */
  acquire(principal: KeyPrincipal): () => void {
    const key = `${principal.orgId}\u0000${principal.keyId}`;
    const ofKey = this.byKey.get(key) ?? 0;
    if (ofKey >= this.maxPerKey) {
      throw tooManyWatches(`this key has ${ofKey} watches open, the most one key may hold on this node; close one first`, this.maxPerKey);
    }
    if (this.open >= this.max) {
      throw tooManyWatches(`this node holds as many watches as it may (${this.max}); retry later or on another replica`, this.max);
    }
    this.byKey.set(key, ofKey + 1);
    this.byOrg.set(principal.orgId, (this.byOrg.get(principal.orgId) ?? 0) + 1);
    this.open += 1;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.open -= 1;
      decrement(this.byKey, key);
      decrement(this.byOrg, principal.orgId);
    };
  }
}

function decrement(counts: Map<string, number>, name: string): void {
  const count = (counts.get(name) ?? 1) - 1;
  if (count > 0) counts.set(name, count);
  else counts.delete(name);
}

function tooManyWatches(message: string, limit: number): WardenError {
  return new WardenError('limited', 'too_many_watches', message, { limit });
}
