import fc from 'fast-check';

/**
 * Random concurrent workloads against two replicas, and the client-side timeline the
 * properties are checked on. An op may wait for an earlier op's answer before it starts
 * (`after`), so a run mixes overlapping and strictly ordered pairs; everything else runs at
 * once. The timeline is a logical clock ticked at every start and every answer (one JS
 * thread, so a total order of what the clients saw).
 */
export const DEVICES = ['d1', 'd2', 'd3', 'd4', 'd5'] as const;
export type Device = (typeof DEVICES)[number];

export type OpKind =
  | 'register'
  | 'validate'
  | 'heartbeat'
  | 'revoke'
  | 'revoke_batch'
  | 'unrevoke'
  | 'remove'
  | 'suspend'
  | 'resume'
  | 'set_limit'
  | 'lock'
  | 'unlock';

/** Ops whose answer is a verdict on the device (a heartbeat answers the validate verdict too). */
export function isVerdictOp(kind: OpKind): boolean {
  return kind === 'validate' || kind === 'heartbeat';
}

export interface Op {
  readonly kind: OpKind;
  /** 0 = replica A, 1 = replica B. */
  readonly replica: 0 | 1;
  readonly device: Device;
  readonly other: Device;
  readonly limit: number;
  /** Validate only: send the newest command position the clients know as consistencyToken. */
  readonly token: boolean;
  /** Index of an earlier op whose answer this op waits for, or -1. */
  readonly after: number;
}

export interface Workload {
  readonly initialLimit: number;
  /** Registered (in this order, on replica A) before the concurrent ops start. */
  readonly preRegistered: readonly Device[];
  readonly ops: readonly Op[];
}

/** Relative weights of the op kinds in a workload. */
export type OpMix = Readonly<Partial<Record<OpKind, number>>>;

/** Everything, validations most often. */
export const MIXED: OpMix = { validate: 12, heartbeat: 2, register: 4, revoke: 3, revoke_batch: 1, unrevoke: 3, remove: 1, suspend: 1, resume: 1, set_limit: 1, lock: 1, unlock: 1 };
/** Locks and unlocks (by device) racing validations and heartbeats. */
export const LOCK_RACE: OpMix = { validate: 8, heartbeat: 3, lock: 4, unlock: 3, suspend: 1, resume: 1 };
/** Revocations and restores on A, validations with the token on B: devices flip often, so a stale B would allow. */
export const FLIP_FLOP: OpMix = { validate: 10, revoke: 3, unrevoke: 3, suspend: 1, resume: 1 };
/** Revocations racing validations on registered devices. */
export const REVOCATION_RACE: OpMix = { validate: 10, revoke: 4, revoke_batch: 1, unrevoke: 1, suspend: 1, resume: 1 };

export interface WorkloadShape {
  readonly maxOps: number;
  readonly mix: OpMix;
  /** Register every pool device first (with a cap that fits them all) instead of a random subset. */
  readonly registerAll?: boolean;
  /** How many of DEVICES the ops name (fewer: more ops on the same device). */
  readonly devices?: number;
  /** `split`: commands go to A and validations to B, so every check of a command crosses replicas. */
  readonly placement?: 'random' | 'split';
}

export function workload({ maxOps, mix, registerAll = false, devices = DEVICES.length, placement = 'random' }: WorkloadShape): fc.Arbitrary<Workload> {
  const pool = DEVICES.slice(0, devices);
  const kind = fc.oneof(...Object.entries(mix).map(([k, weight]) => ({ weight: weight!, arbitrary: fc.constant(k as OpKind) })));
  const op = fc.record({
    kind,
    replica: fc.constantFrom<0 | 1>(0, 1),
    device: fc.constantFrom(...pool),
    other: fc.constantFrom(...pool),
    limit: fc.integer({ min: 0, max: 5 }),
    token: fc.boolean(),
    afterFraction: fc.option(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { nil: undefined, freq: 8 }),
  });
  return fc
    .record({
      initialLimit: registerAll ? fc.constant(pool.length) : fc.integer({ min: 1, max: 4 }),
      preRegistered: registerAll ? fc.constant([...pool]) : fc.subarray([...pool]),
      ops: fc.array(op, { minLength: Math.min(8, maxOps), maxLength: maxOps }),
    })
    .map(({ initialLimit, preRegistered, ops }) => ({
    initialLimit,
    preRegistered,
    ops: ops.map(({ afterFraction, replica, ...rest }, index) => ({
      ...rest,
      replica: placement === 'split' ? (rest.kind === 'validate' ? 1 : 0) : replica,
      token: placement === 'split' ? true : rest.token,
      after: afterFraction === undefined || index === 0 ? -1 : Math.floor(afterFraction * index),
    })),
  }));
}

/** What the clients saw of one op. */
export interface Observed {
  readonly op: Op;
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly status: number;
  readonly body: any;
  /** The consistency token a validate sent, if any. */
  readonly tokenSent?: bigint;
}

/** A denial an acknowledged op made: of one device (by a revoke, remove or lock) or of the whole org (suspend). */
interface Denial {
  readonly target: Device | 'org';
  readonly by: OpKind;
}

/**
 * Ops that may lift a denial again: a restore or a new registration after a revoke or remove,
 * an unlock of the device after a lock, a resume after a suspend.
 */
function reAllows(observed: Observed, denial: Denial): boolean {
  if (observed.status !== 200) return false;
  if (denial.target === 'org') return observed.op.kind === 'resume';
  if (observed.op.device !== denial.target) return false;
  if (denial.by === 'lock') return observed.op.kind === 'unlock';
  if (observed.op.kind === 'unrevoke') return observed.body.result === 'restored';
  if (observed.op.kind === 'register') return observed.body.status === 'ok';
  return false;
}

/** What an acknowledged op denied: revoked, removed or locked devices, or the org for a suspend. */
function denials(observed: Observed): Denial[] {
  if (observed.status !== 200) return [];
  const { op, body } = observed;
  const of = (target: Device | 'org'): Denial => ({ target, by: op.kind });
  switch (op.kind) {
    case 'revoke':
      return body.result === 'revoked' || body.result === 'already_revoked' ? [of(op.device)] : [];
    case 'revoke_batch':
      return (body.results as Array<{ deviceId: Device; result: string }>).filter((r) => r.result === 'revoked' || r.result === 'already_revoked').map((r) => of(r.deviceId));
    case 'remove':
      return body.result === 'removed' ? [of(op.device)] : [];
    case 'lock':
      return [of(op.device)];
    case 'suspend':
      return [of('org')];
    default:
      return [];
  }
}

/** Did `validate` have to see `command`: same replica (read-your-writes), or a token at or past it. */
function mustSee(validate: Observed, command: Observed): boolean {
  if (command.end >= validate.start) return false;
  if (validate.op.replica === command.op.replica) return true;
  const position = command.body?.position;
  return validate.tokenSent !== undefined && typeof position === 'string' && validate.tokenSent >= BigInt(position);
}

export interface DenialCheck {
  /** Validations that had to be denied: an acknowledged, unexcused revoke/remove/suspend they had to see. */
  readonly obliged: number;
  /** Of those, the ones where the only such denial was acknowledged by the other replica (seen through the token). */
  readonly obligedAcrossReplicas: number;
  readonly breaches: string[];
}

/**
 * "No allow after an acknowledged revoke": every validate is checked against every revoke,
 * remove and suspend acknowledged before it started that it had to see. It must be denied
 * unless an op that re-allows the device (unrevoke or register for a revoke/remove, resume
 * for a suspend) overlapped the window from that command's start to the validate's answer:
 * then the ledger may order the re-allowing op after the denial.
 */
export function allowsAfterAcknowledgedDenials(timeline: readonly Observed[]): DenialCheck {
  const breaches: string[] = [];
  let obliged = 0;
  let obligedAcrossReplicas = 0;
  const overlaps = (other: Observed, from: Observed, to: Observed) => other.start < to.end && other.end > from.start;
  for (const validate of timeline) {
    if (!isVerdictOp(validate.op.kind) || validate.status !== 200) continue;
    const obligations = timeline.filter((command) => {
      if (!mustSee(validate, command)) return false;
      return denials(command).some((denial) => {
        if (denial.target !== 'org' && denial.target !== validate.op.device) return false;
        return !timeline.some((other) => reAllows(other, denial) && overlaps(other, command, validate));
      });
    });
    if (obligations.length === 0) continue;
    obliged++;
    if (obligations.every((command) => command.op.replica !== validate.op.replica)) obligedAcrossReplicas++;
    if (validate.body.allowed !== false) {
      const command = obligations[0]!;
      breaches.push(
        `${validate.op.kind} #${validate.index} of ${validate.op.device} on ${'AB'[validate.op.replica]} (token ${validate.tokenSent ?? 'none'}, started t${validate.start}) answered ${validate.body.code} ` +
          `after ${command.op.kind} #${command.index} on ${'AB'[command.op.replica]} (position ${command.body.position}) was acknowledged at t${command.end}`,
      );
    }
  }
  return { obliged, obligedAcrossReplicas, breaches };
}
