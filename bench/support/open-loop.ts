import { Agent, request } from 'node:http';
import { summarize, type LatencySummary } from './stats';

/** What {@link openLoop} sends: one POST per scheduled slot, `body()` called per request. */
export interface OpenLoopOptions {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: () => string;
  readonly ratePerSecond: number;
  readonly durationSeconds: number;
  /** Sent at the same rate first and left out of the figures (connections, JIT). */
  readonly warmUpSeconds: number;
}

/** Latencies of the measured window (from each request's scheduled send time), and what went wrong. */
export interface OpenLoopResult {
  readonly summary: LatencySummary;
  readonly sent: number;
  readonly errors: number;
  readonly non2xx: number;
  /** How late the sender itself fired its slots (p99 ms): a busy client shows up here, not as server latency. */
  readonly senderLagP99: number;
}

/** Pacing granularity: each tick sends every slot that is due (Node timers fire at ~1 ms at best). */
const TICK_MS = 1;
/** Sockets kept open; past that the agent queues, and the wait still counts from the scheduled time. */
const MAX_SOCKETS = 512;

/**
 * An open-loop load (as wrk2 does): request i is due at start + i / rate and is sent then,
 * whether or not earlier ones have answered, so a server stall is measured in full by every
 * request scheduled during it (no coordinated omission). Latency runs from the scheduled
 * time, not the actual send, so a late sender cannot hide a stall either.
 */
export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const target = new URL(options.url);
  const intervalMs = 1000 / options.ratePerSecond;
  const warmUp = Math.round(options.warmUpSeconds * options.ratePerSecond);
  const total = warmUp + Math.round(options.durationSeconds * options.ratePerSecond);
  const latencies: number[] = [];
  const senderLag: number[] = [];
  let errors = 0;
  let non2xx = 0;
  let answered = 0;
  let allAnswered!: () => void;
  const done = new Promise<void>((resolve) => (allAnswered = resolve));

  const finish = (index: number, scheduledAt: number, ok: boolean, status: number) => {
    if (index >= warmUp) {
      latencies.push(performance.now() - scheduledAt);
      if (!ok) errors += 1;
      else if (status < 200 || status >= 300) non2xx += 1;
    }
    answered += 1;
    if (answered === total) allAnswered();
  };
  const send = (index: number, scheduledAt: number) => {
    const payload = options.body();
    const outgoing = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { ...options.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (response) => {
        response.resume();
        response.once('end', () => finish(index, scheduledAt, true, response.statusCode ?? 0));
      },
    );
    outgoing.once('error', () => finish(index, scheduledAt, false, 0));
    outgoing.end(payload);
  };

  const startedAt = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && startedAt + next * intervalMs <= now) {
        const scheduledAt = startedAt + next * intervalMs;
        if (next >= warmUp) senderLag.push(now - scheduledAt);
        send(next, scheduledAt);
        next += 1;
      }
      if (next < total) setTimeout(tick, TICK_MS);
      else resolve();
    };
    tick();
  });
  await done;
  agent.destroy();
  return { summary: summarize(latencies), sent: total - warmUp, errors, non2xx, senderLagP99: summarize(senderLag).p99 };
}
