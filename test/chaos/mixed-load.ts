import type { Exchange, ExchangeKind, ExchangeLog } from './exchange-log';

export interface ChaosOrg {
  readonly orgId: string;
  readonly orgKey: string;
  /** The device ids this org's traffic uses (a small pool, so caps, revokes and restores collide). */
  readonly devices: readonly string[];
}

/** Relative weights of the operations of the mixed load. */
export type LoadMix = Readonly<Partial<Record<Exclude<ExchangeKind, 'create'>, number>>>;

/**
 * Every command of the API: `policy` switches leases between off and a TTL of an hour (long
 * enough that nothing lapses during a run: the command, not expiry, is what is exercised here).
 */
export const CRASH_MIX: LoadMix = { validate: 46, heartbeat: 6, register: 16, revoke: 9, unrevoke: 12, limits: 8, suspend: 1, resume: 4, policy: 1, lock: 2, unlock: 2 };

export interface LoadOptions {
  readonly url: string;
  readonly life: number;
  readonly orgs: readonly ChaosOrg[];
  readonly log: ExchangeLog;
  readonly random: () => number;
  readonly workers: number;
  readonly mix: LoadMix;
  /** Largest cap the `limits` operation sets (it picks 1..maxCap). */
  readonly maxCap?: number;
  /** Told after every exchange; return true to stop the workers (they finish the request in hand). */
  readonly onExchange?: (exchange: Exchange, done: number) => boolean | void;
  /** Stop after this many exchanges in total. */
  readonly maxExchanges?: number;
}

/**
 * Runs `workers` concurrent loops of random operations against one life of the control plane.
 * A worker stops at its first transport error (the server is gone), or when told to stop.
 * Resolves once every worker has stopped, with the number of exchanges made.
 */
export async function runMixedLoad(options: LoadOptions): Promise<number> {
  const entries = Object.entries(options.mix) as [Exclude<ExchangeKind, 'create'>, number][];
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  const pick = (): Exclude<ExchangeKind, 'create'> => {
    let roll = options.random() * total;
    for (const [kind, weight] of entries) if ((roll -= weight) < 0) return kind;
    return entries[0]![0];
  };
  let done = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped && (options.maxExchanges === undefined || done < options.maxExchanges)) {
      const org = options.orgs[Math.floor(options.random() * options.orgs.length)]!;
      const kind = pick();
      const deviceId = org.devices[Math.floor(options.random() * org.devices.length)]!;
      const exchange = await options.log.send(options.url, options.life, kind, org.orgId, org.orgKey, bodyOf(kind, deviceId, org, options));
      done++;
      if (options.onExchange?.(exchange, done) === true) stopped = true;
      if (exchange.error !== undefined) return;
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
  return done;
}

/** A lock id no org has: unlocking it is a 404, inside the contract. */
const UNKNOWN_LOCK = '00000000-0000-7000-8000-000000000000';

function bodyOf(kind: ExchangeKind, deviceId: string, org: ChaosOrg, options: LoadOptions): Record<string, unknown> {
  switch (kind) {
    case 'policy':
      return { leaseTtlSeconds: options.random() < 0.5 ? null : 3600 };
    case 'lock':
      return { selector: { deviceId }, reason: 'chaos' };
    case 'unlock': {
      const placed = options.log.acknowledged('lock').filter((exchange) => exchange.orgId === org.orgId);
      return { lockId: placed.length > 0 ? placed[Math.floor(options.random() * placed.length)]!.answer.lockId : UNKNOWN_LOCK };
    }
    case 'limits':
      return { limit: 1 + Math.floor(options.random() * (options.maxCap ?? 6)) };
    case 'suspend':
      return { reason: 'chaos' };
    case 'resume':
      return {};
    case 'revoke':
      return { deviceId, reason: 'chaos' };
    default:
      return { deviceId };
  }
}
