/**
 * bench:validate: autocannon (BENCH_CONNECTIONS=100 connections, BENCH_DURATION=10 s, after a
 * warm-up) against POST /api/v1/devices/validate with durable decision records on SQLite,
 * over a projection of BENCH_DEVICES (100,000) devices, a random device per request; and in
 * the same run a bare node:http server that parses the same body. Reports req/s, p50/p99
 * latency and server CPU microseconds per request (from /proc), and their ratios.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { orgStream, SqliteEventLedger, type NewEvent } from '@warden/ledger';
import { spawnControlPlane } from '../test/support/control-plane.process';
import { machineDescription } from './support/bench-environment';
import { childPids, processCpuMicros } from './support/process-cpu';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 100_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
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
    requests: [{ setupRequest: (request: Record<string, unknown>) => ({ ...request, body: JSON.stringify({ deviceId: `device-${Math.floor(Math.random() * DEVICES)}` }) }) }],
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

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-validate-bench-'));
  try {
    await seed(dataDir);
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    const warden = await spawnControlPlane({ WARDEN_DATA_DIR: dataDir, WARDEN_LOG_LEVEL: 'info', WARDEN_ADMIN_TOKEN: 'bench-admin-token-0123456789' }, profile);
    let wardenRun: Run;
    try {
      const serverPid = childPids(warden.process.pid!)[0]!;
      wardenRun = await load('warden validate (durable records, SQLite)', `${warden.url}/api/v1/devices/validate`, { 'x-org-key': ORG_KEY }, serverPid);
    } finally {
      await warden.stop();
    }
    const bare = await bareServer();
    let bareRun: Run;
    try {
      bareRun = await load('bare node:http (parse + small JSON)', bare.url, {}, bare.pid);
    } finally {
      bare.stop();
    }
    const row = (r: Run) => `| ${r.name} | ${Math.round(r.rps).toLocaleString()} | ${r.p50} | ${r.p99} | ${r.cpuMicrosPerRequest.toFixed(1)} | ${r.errors + r.non2xx} |`;
    const table = [
      `bench:validate on ${machineDescription()}: ${CONNECTIONS} connections, ${DURATION} s, ${DEVICES.toLocaleString()} devices (${new Date().toISOString()})`,
      '',
      '| server | req/s | p50 ms | p99 ms | server CPU µs/request | errors + non-2xx |',
      '|---|---|---|---|---|---|',
      row(wardenRun),
      row(bareRun),
      '',
      `CPU per request: ${(wardenRun.cpuMicrosPerRequest / bareRun.cpuMicrosPerRequest).toFixed(2)}x the bare baseline (target <= 2.0x); ` +
        `p99 ${wardenRun.p99} ms (target <= 5); ${Math.round(wardenRun.rps).toLocaleString()} validations/s (target >= 25,000)`,
    ].join('\n');
    console.log(table);
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(join(__dirname, 'results', 'validate.md'), `${table}\n`);
    writeFileSync(join(__dirname, 'results', 'validate.json'), `${JSON.stringify({ machine: machineDescription(), devices: DEVICES, warden: wardenRun, bare: bareRun }, null, 2)}\n`);
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
