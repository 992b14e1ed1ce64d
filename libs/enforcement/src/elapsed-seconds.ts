/** A monotonic start mark for `elapsedSeconds` (process.hrtime, immune to wall-clock steps). */
export function startTimer(): bigint {
  return process.hrtime.bigint();
}

/** Seconds since a `startTimer()` mark, as metrics histograms take them. */
export function elapsedSeconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
