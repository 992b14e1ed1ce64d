/**
 * bench:validate: autocannon (BENCH_CONNECTIONS=100 connections, BENCH_DURATION=10 s, after a
 * warm-up) against POST /api/v1/devices/validate with durable decision records on SQLite,
 * over a projection of BENCH_DEVICES (100,000) devices, a random device per request; and in
 * the same run a bare node:http server that parses the same body. Reports req/s, p50/p99
 * latency and server CPU microseconds per request (from /proc), and their ratios, over
 * BENCH_ROUNDS (3) alternating rounds (the machine is shared: one pair can be off).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { orgStream, SqliteEventLedger, type NewEvent } from '@warden/ledger';
import { spawnControlPlane } from '../test/support/control-plane.process';
import { machineDescription } from './support/bench-environment';
import { childPids, processCpuMicros } from './support/process-cpu';
import { writeResult } from './support/results';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 100_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ORG_KEY = 'org_bench_validate_key_0123456789';
const AT = '2030-01-01T00:00:00.000Z';

interface Run {
  readonly name: string;
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly cpuMicrosPerRequest: number;
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

async function load(name: string, url: string, headers: Record<string, string>, serverPid: number): Promise<Run> {
  const options = {
    url,
    method: 'POST' as const,
    connections: CONNECTIONS,
    headers: { 'content-type': 'application/json', ...headers },
    requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, body: JSON.stringify({ deviceId: `device-${Math.floor(Math.random() * DEVICES)}` }) }) }],
  };
  await autocannon({ ...options, duration: 2 });
  const cpuBefore = processCpuMicros(serverPid);
  const result = await autocannon({ ...options, duration: DURATION });
  const cpu = processCpuMicros(serverPid) - cpuBefore;
  const requests = result.requests.total;
  return {
    name,
    requests,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    cpuMicrosPerRequest: cpu / Math.max(1, requests),
  };
}

async function bareServer(): Promise<{ url: string; pid: number; stop: () => void }> {
  const child = spawn(process.execPath, [join(__dirname, 'support/bare-http-server.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  return { url: line.replace('listening on ', ''), pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

async function runWarden(dataDir: string): Promise<Run> {
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const warden = await spawnControlPlane({ WARDEN_DATA_DIR: dataDir, WARDEN_LOG_LEVEL: 'info', WARDEN_ADMIN_TOKEN: 'bench-admin-token-0123456789' }, profile);
  try {
    const serverPid = childPids(warden.process.pid!)[0]!;
    return await load('warden validate (durable records, SQLite)', `${warden.url}/api/v1/devices/validate`, { 'x-org-key': ORG_KEY }, serverPid);
  } finally {
    await warden.stop();
  }
}

async function runBare(): Promise<Run> {
  const bare = await bareServer();
  try {
    return await load('bare node:http (parse + small JSON)', bare.url, {}, bare.pid);
  } finally {
    bare.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** BENCH_ROUNDS (3) rounds of warden then bare, each round's ratio from its own pair; the median round is the headline. */
async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-validate-bench-'));
  try {
    await seed(dataDir);
    const rounds: { warden: Run; bare: Run; ratio: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const warden = await runWarden(dataDir);
      const bare = await runBare();
      rounds.push({ warden, bare, ratio: warden.cpuMicrosPerRequest / bare.cpuMicrosPerRequest });
    }
    const headline = rounds.find((round) => round.ratio === median(rounds.map((r) => r.ratio)))!;
    const row = (round: number, r: Run) =>
      `| ${round + 1} | ${r.name} | ${Math.round(r.rps).toLocaleString()} | ${r.p50} | ${r.p99} | ${r.cpuMicrosPerRequest.toFixed(1)} | ${r.errors + r.non2xx} |`;
    const table = [
      `bench:validate on ${machineDescription()}: ${CONNECTIONS} connections, ${DURATION} s per run, ${DEVICES.toLocaleString()} devices, ${ROUNDS} rounds (${new Date().toISOString()})`,
      '',
      '| round | server | req/s | p50 ms | p99 ms | server CPU µs/request | errors + non-2xx |',
      '|---|---|---|---|---|---|---|',
      ...rounds.flatMap((r, i) => [row(i, r.warden), row(i, r.bare)]),
      '',
      `CPU per request, warden / bare of the same round: ${rounds.map((r) => `${r.ratio.toFixed(2)}x`).join(', ')} (median ${headline.ratio.toFixed(2)}x; target <= 2.0x); ` +
        `median round: p99 ${headline.warden.p99} ms (target <= 5), ${Math.round(headline.warden.rps).toLocaleString()} validations/s (target >= 25,000)`,
    ].join('\n');
    console.log(table);
    writeResult('validate', { table, json: { machine: machineDescription(), devices: DEVICES, connections: CONNECTIONS, durationSeconds: DURATION, rounds, medianRatio: headline.ratio } });
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
