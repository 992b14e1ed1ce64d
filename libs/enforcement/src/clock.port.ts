/** The clock port: the one place time enters the application layer (decide/evolve never read it). */
export abstract class Clock {
  /** Current time as an ISO 8601 string. */
  abstract now(): string;
}

export class SystemClock extends Clock {
  now(): string {
    return new Date().toISOString();
  }
}

/** A clock that returns a set time, for tests and replays. */
export class FixedClock extends Clock {
  constructor(private time: string) {
    super();
  }

  now(): string {
    return this.time;
  }

  set(time: string): void {
    this.time = time;
  }
}
