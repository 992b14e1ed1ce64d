import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { openLoop } from './open-loop';
import { processCpuMicros } from './process-cpu';

/** One server under one load. */
export interface LoadTarget {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly pid: number;
  readonly body: () => string;
  /** The server's Prometheus text (warden's /metrics): commit figures of the steady runs. */
  readonly metricsUrl?: string;
}

/** Decision commits during a steady run, from warden's own metrics (append time is event-loop time on SQLite). */
export interface CommitFigures {
  readonly commitsPerSecond: number;
  readonly meanBatch: number;
  readonly meanCommitMs: number;
  /** Share of the run's wall time spent inside decision commits. */
  readonly loopShare: number;
}

/** A saturation run (autocannon, closed loop). */
export interface SaturationRun {
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly cpuMicrosPerRequest: number;
}

/** A steady-rate run (open loop): latency from each request's scheduled send time. */
export interface SteadyRun {
  readonly rate: number;
  readonly requests: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly cpuMicrosPerRequest: number;
  readonly senderLagP99: number;
  readonly commits?: CommitFigures;
}

/** `connections` autocannon connections for `durationSeconds`, after a 2 s warm-up. */
export async function saturate(target: LoadTarget, connections: number, durationSeconds: number): Promise<SaturationRun> {
  const options = {
    url: target.url,
    method: 'POST' as const,
    connections,
    headers: { 'content-type': 'application/json', ...target.headers },
    requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, body: target.body() }) }],
  };
  await autocannon({ ...options, duration: 2 });
  const cpuBefore = processCpuMicros(target.pid);
  const result = await autocannon({ ...options, duration: durationSeconds });
  const cpu = processCpuMicros(target.pid) - cpuBefore;
  const requests = result.requests.total;
  return {
    requests,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    cpuMicrosPerRequest: cpu / Math.max(1, requests),
  };
}

/** `rate` requests/s, open loop, for `durationSeconds` after a 2 s warm-up at the same rate. */
export async function steady(target: LoadTarget, rate: number, durationSeconds: number): Promise<SteadyRun> {
  const run = (seconds: number, warmUpSeconds: number) =>
    openLoop({ url: target.url, headers: target.headers, body: target.body, ratePerSecond: rate, durationSeconds: seconds, warmUpSeconds });
  await run(0, 2);
  const metricsBefore = target.metricsUrl ? await commitCounters(target.metricsUrl) : undefined;
  const cpuBefore = processCpuMicros(target.pid);
  const startedAt = performance.now();
  const result = await run(durationSeconds, 0);
  const cpu = processCpuMicros(target.pid) - cpuBefore;
  const seconds = (performance.now() - startedAt) / 1000;
  const metricsAfter = target.metricsUrl ? await commitCounters(target.metricsUrl) : undefined;
  const commits = metricsBefore && metricsAfter ? commitFigures(metricsBefore, metricsAfter, seconds) : undefined;
  return {
    rate,
    requests: result.sent,
    p50: result.summary.p50,
    p99: result.summary.p99,
    max: result.summary.max,
    errors: result.errors,
    non2xx: result.non2xx,
    cpuMicrosPerRequest: cpu / Math.max(1, result.sent),
    senderLagP99: result.senderLagP99,
    commits,
  };
}

interface CommitCounters {
  readonly appendSeconds: number;
  readonly appends: number;
  readonly records: number;
}

const sample = (text: string, name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

async function commitCounters(metricsUrl: string): Promise<CommitCounters> {
  const text = await (await fetch(metricsUrl)).text();
  return {
    appendSeconds: sample(text, 'warden_ledger_append_seconds_sum\\{stream="decisions",outcome="ok"\\}'),
    appends: sample(text, 'warden_ledger_append_seconds_count\\{stream="decisions",outcome="ok"\\}'),
    records: sample(text, 'warden_decision_batch_size_sum'),
  };
}

function commitFigures(before: CommitCounters, after: CommitCounters, seconds: number): CommitFigures {
  const appends = after.appends - before.appends;
  const appendSeconds = after.appendSeconds - before.appendSeconds;
  return {
    commitsPerSecond: appends / seconds,
    meanBatch: (after.records - before.records) / Math.max(1, appends),
    meanCommitMs: (1000 * appendSeconds) / Math.max(1, appends),
    loopShare: appendSeconds / seconds,
  };
}

/** The baseline: bench/support/bare-http-server.js in its own process. */
export async function startBareServer(): Promise<{ url: string; pid: number; stop: () => void }> {
  const child = spawn(process.execPath, [join(__dirname, 'bare-http-server.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  return { url: line.replace('listening on ', ''), pid: child.pid!, stop: () => child.kill('SIGTERM') };
}
