import {
  DecisionCode,
  WardenError,
  decideOrg,
  decideValidation,
  foldOrg,
  type DeviceOutcome,
  type OrgCommand,
  type OrgDecision,
  type OrgEvent,
  type OrgState,
  type Verdict,
} from '@warden/domain';
import { TEST_AT, TEST_ORG_ID } from './org.fixtures';

/**
 * given/when/then for the org decider:
 *
 *   given(...orgExists({ limit: 1 }), deviceRegistered('d1'))
 *     .when(registerDevice('d2'))
 *     .thenRefuses('LIMIT_EXCEEDED');
 *
 *   given(...orgExists(), deviceRegistered('d1')).validate('d1').is('ALLOW');
 *
 * Every decision made through it also checks that decide left the state it read untouched.
 * Each `when`/`validate` folds its own fresh state, so scenarios never share one.
 */
export function given(...events: OrgEvent[]): Given {
  return new Given(events);
}

/** A device outcome as `[deviceId, outcome]`, in request order. */
export type ExpectedOutcome = readonly [deviceId: string, outcome: DeviceOutcome];

export class Given {
  constructor(readonly events: readonly OrgEvent[]) {}

  /** A fresh state folded from the given events. */
  state(): OrgState {
    return foldOrg(this.events, TEST_ORG_ID);
  }

  when(command: OrgCommand): When {
    return new When(this.events, command);
  }

  /** Validates a device against the state of the given events, at `at` (default TEST_AT). */
  validate(deviceId: string, at: string = TEST_AT): Validation {
    return new Validation(this.state(), deviceId, Date.parse(at));
  }
}

/** Assertions on a decision. Deliberately has no `then`, so it is never mistaken for a promise. */
export class DecisionAssertions {
  private decided: OrgDecision | undefined;

  constructor(
    protected readonly events: readonly OrgEvent[],
    protected readonly command: OrgCommand,
  ) {}

  /** The decision, made once; fails the test if decide changed the state it was given. */
  get decision(): OrgDecision {
    if (!this.decided) {
      const state = foldOrg(this.events, TEST_ORG_ID);
      const before = snapshot(state);
      this.decided = decideOrg(this.command, state);
      expect(snapshot(state)).toEqual(before);
    }
    return this.decided;
  }

  /** The state after the given events and the events the command emitted. */
  stateAfter(): OrgState {
    return foldOrg([...this.events, ...this.decision.events], TEST_ORG_ID);
  }

  /** The command changes nothing: no events, no refusal (outcomes may still report, e.g. `exists`). */
  thenNothingHappens(): DecisionAssertions {
    expect(this.decision.events).toEqual([]);
    expect(this.decision.refusal).toBeUndefined();
    return this;
  }

  thenOutcomes(...expected: ExpectedOutcome[]): DecisionAssertions {
    const actual = this.decision.outcomes.map(({ deviceId, outcome }) => [deviceId, outcome]);
    expect(actual).toEqual(expected.map(([deviceId, outcome]) => [deviceId, outcome]));
    return this;
  }

  /** A refused registration: nothing is appended and the refusal carries `code` for the record. */
  thenRefuses(code: DecisionCode): DecisionAssertions {
    expect(this.decision.events).toEqual([]);
    expect(this.decision.refusal).toBe(code);
    return this;
  }

  /** decide throws a WardenError with this stable `code` (and `kind`, when given). */
  thenThrows(code: string, kind?: WardenError['kind']): void {
    const state = foldOrg(this.events, TEST_ORG_ID);
    let thrown: unknown;
    try {
      decideOrg(this.command, state);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WardenError);
    expect((thrown as WardenError).code).toBe(code);
    if (kind !== undefined) expect((thrown as WardenError).kind).toBe(kind);
  }

  /** Validates a device against the state after the command's events. */
  thenValidate(deviceId: string, at: string = TEST_AT): Validation {
    return new Validation(this.stateAfter(), deviceId, Date.parse(at));
  }
}

export class When extends DecisionAssertions {
  /**
   * The command emits exactly these events, in order, and is not a refusal. Returns
   * assertions without `then`, so `() => given(...).when(...).then(...)` returns no thenable.
   */
  then(...expected: OrgEvent[]): DecisionAssertions {
    if (expected.some((event) => typeof event === 'function')) {
      throw new TypeError('a given/when scenario is not a promise: do not await or return `when(...)`');
    }
    expect(this.decision.events).toEqual(expected);
    expect(this.decision.refusal).toBeUndefined();
    return new DecisionAssertions(this.events, this.command);
  }
}

export class Validation {
  constructor(
    private readonly state: OrgState,
    private readonly deviceId: string,
    private readonly atMs: number,
  ) {}

  /** The verdict; fails the test if validation changed anything but its cap memo. */
  get verdict(): Verdict {
    const before = snapshot(this.state, { withoutMemo: true });
    const verdict = decideValidation(this.state, this.deviceId, this.atMs);
    expect(snapshot(this.state, { withoutMemo: true })).toEqual(before);
    return verdict;
  }

  /** The verdict has this code, and allows exactly when the code is ALLOW. */
  is(code: DecisionCode): void {
    expect(this.verdict).toEqual({ allowed: code === DecisionCode.Allow, code });
  }

  allows(): void {
    this.is(DecisionCode.Allow);
  }
}

/**
 * A deep copy of the state to compare before/after, with Maps as entry lists so a change of
 * registration order shows. The cap memo is a cache, so it may be left out.
 */
export function snapshot(state: OrgState, options: { withoutMemo?: boolean } = {}): unknown {
  const { keys, devices, capDenied, ...scalars } = structuredClone(state);
  return {
    ...scalars,
    keys: [...keys.entries()],
    devices: [...devices.entries()],
    ...(options.withoutMemo ? {} : { capDenied: capDenied && [...capDenied] }),
  };
}
