import { Agent, request } from 'node:http';

/** Latency figures of an open-loop run, in milliseconds, measured from each request's scheduled send time. */
export interface OpenLoopReport {
  readonly sent: number;
  /** Answers that were not 200 or did not come at all. */
  readonly failed: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * Sends `send()` at a steady `ratePerSecond` for `durationMs`, open loop: each request goes
 * out on its schedule whether or not earlier ones answered, and its latency is counted from
 * the time it was due, not from when the event loop got round to sending it. So a loop
 * blocked for 2 s shows as 2 s of latency on every request due meanwhile (no coordinated
 * omission), even with client and server in one process.
 */
export async function openLoop(ratePerSecond: number, durationMs: number, send: () => Promise<number>): Promise<OpenLoopReport> {
  const interval = 1000 / ratePerSecond;
  const total = Math.round((durationMs / 1000) * ratePerSecond);
  const start = performance.now();
  const latencies: number[] = [];
  const inFlight: Promise<void>[] = [];
  let failed = 0;
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      for (; next < total && start + next * interval <= now; next++) {
        const due = start + next * interval;
        inFlight.push(
          send().then(
            (status) => {
              latencies.push(performance.now() - due);
              if (status !== 200) failed++;
            },
            () => {
              latencies.push(performance.now() - due);
              failed++;
            },
          ),
        );
      }
      if (next >= total) return resolve();
      setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { sent: total, failed, p50: round(at(0.5)), p99: round(at(0.99)), max: round(latencies[latencies.length - 1] ?? 0) };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** A keep-alive `POST validate` sender for {@link openLoop}: resolves with the HTTP status once the whole answer is in. */
export function validateSender(baseUrl: string, orgKey: string, deviceId: string): { send: () => Promise<number>; close: () => void } {
  const url = new URL('/api/v1/devices/validate', baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const body = JSON.stringify({ deviceId });
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-org-key': orgKey };
  const send = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      });
      req.once('error', reject);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}

/**
 * Samples how late the event loop runs a 1 ms timer while `work` runs: the largest lateness is
 * (about) the longest single stretch the loop was blocked. Lateness under 1 ms is timer noise.
 */
export async function longestBlock<T>(work: () => Promise<T>): Promise<{ result: T; longestBlockMs: number }> {
  let longest = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - 1);
    last = now;
  }, 1);
  try {
    const result = await work();
    longest = Math.max(longest, performance.now() - last - 1);
    return { result, longestBlockMs: Math.round(longest * 10) / 10 };
  } finally {
    clearInterval(timer);
  }
}

/** GETs a path and resolves with status and the raw body text, collected as it streams (no parse on the way). */
export function getRaw(baseUrl: string, path: string, headers: Record<string, string>): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, baseUrl), { method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}

/** GETs a path and resolves with its status once the whole answer is in, keeping none of the body (answers of many MB stay cheap for the client). */
export function getStatus(baseUrl: string, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, baseUrl), { method: 'GET', headers }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}
