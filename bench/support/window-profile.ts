import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/** CLOCK_MONOTONIC in microseconds: the clock of V8's .cpuprofile timestamps. */
const monotonicMicros = () => process.hrtime.bigint() / 1000n;

/**
 * With BENCH_CPU_PROF=<dir>: runs `measured` under a CPU profile of this (the benchmark)
 * process, written to <dir>/<name>.cpuprofile, and prints the window's CLOCK_MONOTONIC bounds
 * so the control plane's profile can be cut to the same window
 * (`profile-summary.mjs <file> 40 0 --window=<from>-<to>`). Without it, just runs `measured`.
 */
export async function profiledWindow<T>(name: string, measured: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return measured();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const from = monotonicMicros();
  try {
    return await measured();
  } finally {
    const to = monotonicMicros();
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
    console.log(`profiled window ${name}: --window=${from}-${to}`);
  }
}
