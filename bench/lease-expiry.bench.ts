/**
 * bench:leases, two measurements of leases (issue 12):
 *
 * 1. Expiry promptness: a control-plane process (SQLite), an org with a TTL of
 *    BENCH_LEASE_TTL (5) s and BENCH_LEASE_DEVICES (1,000) devices that all heartbeat once,
 *    then go silent together. This process follows the ledger file and takes, for each
 *    device, the time its DeviceLeaseExpired became visible minus its deadline (lastSeenAt +
 *    TTL). The promise: within max(1 s, 10% of TTL) of the deadline.
 * 2. Cost: CPU per request of POST heartbeat against POST validate, in the same process
 *    (autocannon, BENCH_CONNECTIONS=100 connections, BENCH_DURATION=10 s per run after a
 *    warm-up, BENCH_ROUNDS=5 rounds, which of the two goes first alternating), over an org with leases on and
 *    BENCH_DEVICES (100,000) devices, a random device per request. The promise: a heartbeat
 *    costs no more CPU than a validate.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { ORG_STREAM_PREFIX, orgStream, SqliteEventLedger, type NewEvent } from '@warden/ledger';
import { spawnControlPlane } from '../test/support/control-plane.process';
import { createOrg, WardenHttp } from '../test/support/http-client';
import { BENCH_ADMIN_TOKEN, machineDescription } from './support/bench-environment';
import { childPids, processCpuMicros } from './support/process-cpu';
import { writeResult } from './support/results';
import { formatMs, summarize, type LatencySummary } from './support/stats';

const TTL = Number(process.env.BENCH_LEASE_TTL ?? 5);
const LAPSING = Number(process.env.BENCH_LEASE_DEVICES ?? 1000);
const DEVICES = Number(process.env.BENCH_DEVICES ?? 100_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ORG_KEY = 'org_bench_leases_key_0123456789';
const AT = '2030-01-01T00:00:00.000Z';
const BOUND_MS = Math.max(1000, TTL * 100);

const baseEnv = (dataDir: string) => ({
  WARDEN_DATA_DIR: dataDir,
  WARDEN_LOG_LEVEL: 'info',
  WARDEN_ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
  WARDEN_REGISTER_RATE_LIMIT: '0',
});

/** Runs `task` over `items`, `width` at a time. */
async function inParallel<T>(items: readonly T[], width: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await task(items[next++]!);
  }));
}

interface ExpiryRun {
  readonly delay: LatencySummary;
  readonly recordedDelay: LatencySummary;
  readonly lastSeenSpreadMs: number;
  readonly withinBound: number;
}

async function measureExpiry(): Promise<ExpiryRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-leases-bench-'));
  const warden = await spawnControlPlane(baseEnv(dataDir));
  const watcher = await SqliteEventLedger.open({ path: join(dataDir, 'ledger.sqlite'), pollIntervalMs: 2 });
  try {
    const { orgId, orgKey } = await createOrg(new WardenHttp(warden.url), BENCH_ADMIN_TOKEN, { planTier: 'max' });
    const org = new WardenHttp(warden.url).withKey(orgKey);
    await org.post('/api/v1/org/limits', { limit: LAPSING });
    const ids = Array.from({ length: LAPSING }, (_, i) => `lapsing-${i}`);
    await inParallel(ids, 20, (deviceId) => org.post('/api/v1/devices/register', { deviceId }));
    // Leases on after the registrations: every device then gets its TTL from the heartbeat burst below.
    await org.post('/api/v1/org/policy', { leaseTtlSeconds: TTL });
    const lastSeen: number[] = [];
    await inParallel(ids, 50, async (deviceId) => {
      const answer = await org.post('/api/v1/devices/heartbeat', { deviceId });
      if (answer.status !== 200) throw new Error(`heartbeat of ${deviceId}: ${answer.status} ${JSON.stringify(answer.body)}`);
      lastSeen.push(Date.parse(answer.body.expiresAt) - TTL * 1000);
    });
    const delays: number[] = [];
    const recorded: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`only ${delays.length} of ${LAPSING} expiries seen`)), (TTL + 30) * 1000);
      const subscription = watcher.subscribe({ streamPrefixes: [ORG_STREAM_PREFIX] }, (event) => {
        if (event.streamId !== orgStream(orgId) || event.type !== 'DeviceLeaseExpired') return;
        const seenAt = Date.now();
        const data = event.data as { at: string; lastSeenAt: string; ttlSeconds: number };
        const deadline = Date.parse(data.lastSeenAt) + data.ttlSeconds * 1000;
        delays.push(seenAt - deadline);
        recorded.push(Date.parse(data.at) - deadline);
        if (delays.length === LAPSING) {
          clearTimeout(timeout);
          void subscription.close();
          resolve();
        }
      });
      subscription.done.catch(reject);
    });
    return {
      delay: summarize(delays),
      recordedDelay: summarize(recorded),
      lastSeenSpreadMs: Math.max(...lastSeen) - Math.min(...lastSeen),
      withinBound: delays.filter((delay) => delay <= BOUND_MS).length,
    };
  } finally {
    await watcher.close();
    await warden.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One org with leases on (a day's TTL: nothing lapses during the run) and DEVICES devices, written straight into the ledger. */
async function seed(dataDir: string): Promise<void> {
  const ledger = await SqliteEventLedger.open({ path: join(dataDir, 'ledger.sqlite') });
  const orgId = 'bench-org';
  const meta = { actor: 'bench', correlationId: 'bench' };
  const head: NewEvent[] = [
    { eventId: 'org', type: 'OrgCreated', data: { orgId, at: AT, name: 'bench', planTier: 'custom', limit: DEVICES }, metadata: meta },
    { eventId: 'key', type: 'OrgKeyIssued', data: { orgId, at: AT, keyId: 'k', keyHash: createHash('sha256').update(ORG_KEY).digest('hex'), scope: 'admin' }, metadata: meta },
    { eventId: 'policy', type: 'OrgPolicySet', data: { orgId, at: AT, leaseTtlSeconds: 86_400, actor: 'bench' }, metadata: meta },
  ];
  await ledger.append(orgStream(orgId), head, { expectedRevision: 'no_stream' });
  for (let i = 0; i < DEVICES; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, DEVICES - i) }, (_, j): NewEvent => ({
      eventId: `d${i + j}`,
      type: 'DeviceRegistered',
      data: { orgId, at: AT, deviceId: `device-${i + j}`, labels: {} },
      metadata: meta,
    }));
    await ledger.append(orgStream(orgId), batch, { expectedRevision: 'any' });
  }
  await ledger.close();
}

interface CostRun {
  readonly name: string;
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly cpuMicrosPerRequest: number;
}

async function load(name: string, url: string, serverPid: number): Promise<CostRun> {
  const options = {
    url,
    method: 'POST' as const,
    connections: CONNECTIONS,
    headers: { 'content-type': 'application/json', 'x-org-key': ORG_KEY },
    requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, body: JSON.stringify({ deviceId: `device-${Math.floor(Math.random() * DEVICES)}` }) }) }],
  };
  await autocannon({ ...options, duration: 2 });
  const cpuBefore = processCpuMicros(serverPid);
  const result = await autocannon({ ...options, duration: DURATION });
  const cpu = processCpuMicros(serverPid) - cpuBefore;
  const requests = result.requests.total;
  return { name, requests, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx, cpuMicrosPerRequest: cpu / Math.max(1, requests) };
}

async function measureCost(): Promise<{ validate: CostRun; heartbeat: CostRun; ratio: number }[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-leases-cost-'));
  try {
    await seed(dataDir);
    const warden = await spawnControlPlane(baseEnv(dataDir));
    try {
      const serverPid = childPids(warden.process.pid!)[0]!;
      const rounds: { validate: CostRun; heartbeat: CostRun; ratio: number }[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // Alternating which goes first: a shared machine drifts, and the second run of a round sees a warmer process.
        const runValidate = () => load('validate', `${warden.url}/api/v1/devices/validate`, serverPid);
        const runHeartbeat = () => load('heartbeat', `${warden.url}/api/v1/devices/heartbeat`, serverPid);
        const validate = round % 2 === 0 ? await runValidate() : undefined;
        const heartbeat = await runHeartbeat();
        const validateRun = validate ?? (await runValidate());
        rounds.push({ validate: validateRun, heartbeat, ratio: heartbeat.cpuMicrosPerRequest / validateRun.cpuMicrosPerRequest });
      }
      return rounds;
    } finally {
      await warden.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const expiry = await measureExpiry();
  const rounds = await measureCost();
  const medianRatio = median(rounds.map((round) => round.ratio));
  const d = expiry.delay;
  const row = (round: number, r: CostRun) =>
    `| ${round + 1} | ${r.name} | ${Math.round(r.rps).toLocaleString()} | ${r.p50} | ${r.p99} | ${r.cpuMicrosPerRequest.toFixed(1)} | ${r.errors + r.non2xx} |`;
  const table = [
    `bench:leases on ${machineDescription()} (${new Date().toISOString()})`,
    '',
    `Expiry: ${LAPSING.toLocaleString()} devices lapsing together (last signs of life within ${expiry.lastSeenSpreadMs} ms), TTL ${TTL} s; delay from each device's deadline (lastSeenAt + TTL) to its DeviceLeaseExpired being visible in the ledger:`,
    '',
    '| devices | p50 ms | p90 ms | p99 ms | max ms | within bound | bound |',
    '|---|---|---|---|---|---|---|',
    `| ${d.count} | ${formatMs(d.p50)} | ${formatMs(d.p90)} | ${formatMs(d.p99)} | ${formatMs(d.max)} | ${expiry.withinBound} | ${BOUND_MS} ms (max(1 s, 10% of TTL)) |`,
    '',
    `(the command's own time, \`at\` of the event, is p50 ${formatMs(expiry.recordedDelay.p50)} / p99 ${formatMs(expiry.recordedDelay.p99)} ms after the deadline)`,
    '',
    `Cost: heartbeat against validate in the same control-plane process, ${CONNECTIONS} connections, ${DURATION} s per run, ${DEVICES.toLocaleString()} devices with leases on, ${ROUNDS} rounds:`,
    '',
    '| round | request | req/s | p50 ms | p99 ms | server CPU µs/request | errors + non-2xx |',
    '|---|---|---|---|---|---|---|',
    ...rounds.flatMap((r, i) => [row(i, r.validate), row(i, r.heartbeat)]),
    '',
    `CPU per request, heartbeat / validate of the same round: ${rounds.map((r) => `${r.ratio.toFixed(2)}x`).join(', ')} (median ${medianRatio.toFixed(2)}x; target <= 1.0x)`,
  ].join('\n');
  console.log(table);
  writeResult('leases', {
    table,
    json: { machine: machineDescription(), ttlSeconds: TTL, boundMs: BOUND_MS, expiry, cost: { devices: DEVICES, connections: CONNECTIONS, durationSeconds: DURATION, rounds, medianRatio } },
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
