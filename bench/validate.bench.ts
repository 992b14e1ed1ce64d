/**
 * bench:validate: POST /api/v1/devices/validate with durable decision records on SQLite, over
 * a projection of BENCH_DEVICES (100,000) devices, a random device per request; and in the
 * same run a bare node:http server that parses the same body. Two loads per server:
 *
 * - steady rate, open loop: BENCH_STEADY_RATES (500,2000) requests/s for BENCH_STEADY_DURATION
 *   (10) s each, every request sent on schedule whether or not earlier ones answered, latency
 *   from the scheduled send time (what a runtime feels at realistic load; no coordinated omission);
 * - saturation: autocannon, BENCH_CONNECTIONS (100) connections, BENCH_DURATION (10) s.
 *
 * Reports p50/p99 (and max at steady rates), req/s and server CPU microseconds per request
 * (from /proc), and warden / bare ratios of the same round, over BENCH_ROUNDS (3) alternating
 * rounds (the machine is shared: one pair can be off); headlines are medians of the rounds.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { orgStream, SqliteEventLedger, type NewEvent } from '@warden/ledger';
import { spawnControlPlane } from '../test/support/control-plane.process';
import { machineDescription } from './support/bench-environment';
import { childPids } from './support/process-cpu';
import { writeResult } from './support/results';
import { formatMs } from './support/stats';
import { saturate, startBareServer, steady, type LoadTarget, type SaturationRun, type SteadyRun } from './support/validate-loads';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 100_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const STEADY_RATES = (process.env.BENCH_STEADY_RATES ?? '500,2000').split(',').filter(Boolean).map(Number);
const STEADY_DURATION = Number(process.env.BENCH_STEADY_DURATION ?? 10);
const ORG_KEY = 'org_bench_validate_key_0123456789';
const AT = '2030-01-01T00:00:00.000Z';
const WARDEN = 'warden validate (durable records, SQLite)';
const BARE = 'bare node:http (parse + small JSON)';

/** Both loads against one server process: the steady rates first, then saturation. */
interface ServerRun {
  readonly steady: readonly SteadyRun[];
  readonly saturation: SaturationRun;
}

/** Writes one org with DEVICES registered devices straight into a fresh SQLite ledger. */
async function seed(dataDir: string): Promise<void> {
  const ledger = await SqliteEventLedger.open({ path: join(dataDir, 'ledger.sqlite') });
  const orgId = 'bench-org';
  const meta = { actor: 'bench', correlationId: 'bench' };
  const head: NewEvent[] = [
    { eventId: 'org', type: 'OrgCreated', data: { orgId, at: AT, name: 'bench', planTier: 'custom', limit: DEVICES }, metadata: meta },
    { eventId: 'key', type: 'OrgKeyIssued', data: { orgId, at: AT, keyId: 'k', keyHash: createHash('sha256').update(ORG_KEY).digest('hex'), scope: 'admin' }, metadata: meta },
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

const randomDevice = () => JSON.stringify({ deviceId: `device-${Math.floor(Math.random() * DEVICES)}` });

async function measure(target: LoadTarget): Promise<ServerRun> {
  const steadyRuns: SteadyRun[] = [];
  for (const rate of STEADY_RATES) steadyRuns.push(await steady(target, rate, STEADY_DURATION));
  return { steady: steadyRuns, saturation: await saturate(target, CONNECTIONS, DURATION) };
}

async function runWarden(dataDir: string): Promise<ServerRun> {
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const warden = await spawnControlPlane({ WARDEN_DATA_DIR: dataDir, WARDEN_LOG_LEVEL: 'info', WARDEN_ADMIN_TOKEN: 'bench-admin-token-0123456789' }, profile);
  try {
    const pid = childPids(warden.process.pid!)[0]!;
    return await measure({ url: `${warden.url}/api/v1/devices/validate`, headers: { 'x-org-key': ORG_KEY }, pid, body: randomDevice, metricsUrl: `${warden.url}/metrics` });
  } finally {
    await warden.stop();
  }
}

async function runBare(): Promise<ServerRun> {
  const bare = await startBareServer();
  try {
    return await measure({ url: bare.url, headers: {}, pid: bare.pid, body: randomDevice });
  } finally {
    bare.stop();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface Round {
  readonly warden: ServerRun;
  readonly bare: ServerRun;
}

/** Ratios of one round, warden against the bare server of the same round. */
function ratios(round: Round) {
  return {
    cpu: round.warden.saturation.cpuMicrosPerRequest / round.bare.saturation.cpuMicrosPerRequest,
    throughput: round.warden.saturation.rps / round.bare.saturation.rps,
    steady: round.warden.steady.map((w, i) => {
      const b = round.bare.steady[i]!;
      return { rate: w.rate, p99Ratio: w.p99 / b.p99, p50DeltaMs: w.p50 - b.p50 };
    }),
  };
}

function report(rounds: readonly Round[]): { table: string; summary: Record<string, number> } {
  const perRound = rounds.map(ratios);
  const x = (value: number) => `${value.toFixed(2)}x`;
  const steadyRow = (round: number, name: string, r: SteadyRun) =>
    `| ${round + 1} | ${r.rate.toLocaleString()} | ${name} | ${formatMs(r.p50)} | ${formatMs(r.p99)} | ${formatMs(r.max)} | ${r.cpuMicrosPerRequest.toFixed(1)} | ${r.errors + r.non2xx} | ${formatMs(r.senderLagP99)} |`;
  const saturationRow = (round: number, name: string, r: SaturationRun) =>
    `| ${round + 1} | ${name} | ${Math.round(r.rps).toLocaleString()} | ${r.p50} | ${r.p99} | ${r.cpuMicrosPerRequest.toFixed(1)} | ${r.errors + r.non2xx} |`;
  const summary: Record<string, number> = { cpuRatio: median(perRound.map((r) => r.cpu)), throughputRatio: median(perRound.map((r) => r.throughput)) };
  const steadyLines = STEADY_RATES.map((rate, i) => {
    const p99Ratios = perRound.map((r) => r.steady[i]!.p99Ratio);
    const p50Deltas = perRound.map((r) => r.steady[i]!.p50DeltaMs);
    summary[`steady${rate}P99Ratio`] = median(p99Ratios);
    summary[`steady${rate}P50DeltaMs`] = median(p50Deltas);
    return (
      `at ${rate.toLocaleString()}/s: p99 warden / bare ${p99Ratios.map(x).join(', ')} (median ${x(median(p99Ratios))}; goal <= 2x); ` +
      `p50 warden - bare ${p50Deltas.map((d) => `${d.toFixed(2)} ms`).join(', ')} (median ${median(p50Deltas).toFixed(2)} ms; goal <= 1 ms)`
    );
  });
  const commitLines = rounds.flatMap((r, i) =>
    r.warden.steady.flatMap((w) =>
      w.commits
        ? [
            `round ${i + 1} at ${w.rate.toLocaleString()}/s: ${Math.round(w.commits.commitsPerSecond)} decision commits/s, ${w.commits.meanBatch.toFixed(1)} records each, ` +
              `${w.commits.meanCommitMs.toFixed(2)} ms per commit on the event loop (${(100 * w.commits.loopShare).toFixed(0)}% of wall time)`,
          ]
        : [],
    ),
  );
  const table = [
    `bench:validate on ${machineDescription()}, ${DEVICES.toLocaleString()} devices, ${ROUNDS} rounds of warden then bare (${new Date().toISOString()})`,
    '',
    `Steady rate, open loop (${STEADY_DURATION} s per rate after a 2 s warm-up; latency from the scheduled send time):`,
    '',
    '| round | rate/s | server | p50 ms | p99 ms | max ms | server CPU µs/request | errors + non-2xx | sender lag p99 ms |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rounds.flatMap((r, i) => r.warden.steady.flatMap((w, j) => [steadyRow(i, WARDEN, w), steadyRow(i, BARE, r.bare.steady[j]!)])),
    '',
    ...steadyLines,
    '',
    'Decision commits during the steady runs (warden /metrics: SQLite commits run on the event loop, every request waits behind them):',
    '',
    ...commitLines.map((line) => `- ${line}`),
    '',
    `Saturation (autocannon, ${CONNECTIONS} connections, ${DURATION} s per run after a 2 s warm-up):`,
    '',
    '| round | server | req/s | p50 ms | p99 ms | server CPU µs/request | errors + non-2xx |',
    '|---|---|---|---|---|---|---|',
    ...rounds.flatMap((r, i) => [saturationRow(i, WARDEN, r.warden.saturation), saturationRow(i, BARE, r.bare.saturation)]),
    '',
    `CPU per request, warden / bare of the same round: ${perRound.map((r) => x(r.cpu)).join(', ')} (median ${x(summary.cpuRatio!)}; goal <= 1.6x); ` +
      `throughput warden / bare: ${perRound.map((r) => x(r.throughput)).join(', ')} (median ${x(summary.throughputRatio!)}; goal >= 0.6x)`,
  ].join('\n');
  return { table, summary };
}

/** BENCH_ROUNDS (3) rounds of warden then bare, each round's ratios from its own pair; headlines are the medians. */
async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-validate-bench-'));
  try {
    await seed(dataDir);
    const rounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) rounds.push({ warden: await runWarden(dataDir), bare: await runBare() });
    const { table, summary } = report(rounds);
    console.log(table);
    writeResult('validate', {
      table,
      json: { machine: machineDescription(), devices: DEVICES, connections: CONNECTIONS, durationSeconds: DURATION, steadyRates: STEADY_RATES, steadyDurationSeconds: STEADY_DURATION, rounds, medians: summary },
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
