/**
 * How large the SQLite WAL grows under saturation. autocannon drives
 * POST /api/v1/devices/validate on the real control-plane process (BENCH_CONNECTIONS=50
 * connections, one device, BENCH_DURATION=40 s, durable decision records on SQLite) while the
 * `ledger.sqlite-wal` file is sampled every 100 ms. Reports the largest WAL, the database
 * size, the validations answered, the server's CPU per request and its event-loop delay (its
 * /metrics, read before and after: prom-client resets the delay histogram on every read).
 * Extra control-plane variables pass through the environment (e.g.
 * WARDEN_SQLITE_CHECKPOINT_MS, WARDEN_SQLITE_WAL_LIMIT_MB). Run with
 * `npx ts-node --transpile-only -r tsconfig-paths/register -P tsconfig.json bench/wal-growth.bench.ts`;
 * results in bench/results/wal.{md,json}.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { orgStream, SqliteEventLedger, sqliteLedgerPath } from '@warden/ledger';
import { spawnControlPlane } from '../test/support/control-plane.process';
import { machineDescription } from './support/bench-environment';
import { childPids, processCpuMicros } from './support/process-cpu';
import { writeResult } from './support/results';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION = Number(process.env.BENCH_DURATION ?? 40);
const SAMPLE_MS = 100;
const ORG_KEY = 'org_bench_wal_key_0123456789abcdef';
const AT = '2030-01-01T00:00:00.000Z';
const MB = 1024 * 1024;

async function seed(dataDir: string): Promise<void> {
  const ledger = await SqliteEventLedger.open({ path: sqliteLedgerPath(dataDir) });
  const orgId = 'bench-org';
  const meta = { actor: 'bench', correlationId: 'bench' };
  await ledger.append(
    orgStream(orgId),
    [
      { eventId: 'org', type: 'OrgCreated', data: { orgId, at: AT, name: 'bench', planTier: 'custom', limit: 10 }, metadata: meta },
      { eventId: 'key', type: 'OrgKeyIssued', data: { orgId, at: AT, keyId: 'k', keyHash: createHash('sha256').update(ORG_KEY).digest('hex'), scope: 'admin' }, metadata: meta },
      { eventId: 'dev', type: 'DeviceRegistered', data: { orgId, at: AT, deviceId: 'device-1', labels: {} }, metadata: meta },
    ],
    { expectedRevision: 'no_stream' },
  );
  await ledger.close();
}

/** The server's event-loop delay since the previous /metrics read, in ms. */
async function eventLoopDelay(url: string): Promise<{ p99: number; max: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^warden_process_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { p99: read('p99'), max: read('max') };
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-wal-bench-'));
  const dbPath = sqliteLedgerPath(dataDir);
  try {
    await seed(dataDir);
    const warden = await spawnControlPlane({ WARDEN_DATA_DIR: dataDir, WARDEN_LOG_LEVEL: 'info', WARDEN_ADMIN_TOKEN: 'bench-admin-token-0123456789' });
    await eventLoopDelay(warden.url);
    const serverPid = childPids(warden.process.pid!)[0]!;
    const cpuBefore = processCpuMicros(serverPid);
    const samples: { atMs: number; walMb: number }[] = [];
    const started = performance.now();
    const sampler = setInterval(() => samples.push({ atMs: performance.now() - started, walMb: sizeOf(`${dbPath}-wal`) / MB }), SAMPLE_MS);
    let result: autocannon.Result;
    try {
      result = await autocannon({
        url: `${warden.url}/api/v1/devices/validate`,
        method: 'POST',
        connections: CONNECTIONS,
        duration: DURATION,
        headers: { 'content-type': 'application/json', 'x-org-key': ORG_KEY },
        body: JSON.stringify({ deviceId: 'device-1' }),
      });
    } finally {
      clearInterval(sampler);
    }
    const cpuMicrosPerRequest = (processCpuMicros(serverPid) - cpuBefore) / Math.max(1, result.requests.total);
    const delay = await eventLoopDelay(warden.url);
    const databaseMb = sizeOf(dbPath) / MB;
    await warden.stop();
    const largest = Math.max(...samples.map((sample) => sample.walMb));
    const series = samples.filter((_, index) => index % 50 === 0).map((sample) => `${(sample.atMs / 1000).toFixed(0)}s ${sample.walMb.toFixed(1)}`);
    const table = [
      `bench/wal-growth.bench.ts on ${machineDescription()}: ${CONNECTIONS} connections, one device, ${DURATION} s (${new Date().toISOString()})`,
      '',
      '| validations | req/s | p50 ms | p99 ms | server CPU µs/request | event-loop delay p99 / max ms | errors + non-2xx | largest WAL MB | database MB at the end | samples |',
      '|---|---|---|---|---|---|---|---|---|---|',
      `| ${result.requests.total.toLocaleString()} | ${Math.round(result.requests.average).toLocaleString()} | ${result.latency.p50} | ${result.latency.p99} | ${cpuMicrosPerRequest.toFixed(1)} | ${delay.p99.toFixed(1)} / ${delay.max.toFixed(1)} | ${result.errors + result.non2xx} | ${largest.toFixed(1)} | ${databaseMb.toFixed(1)} | ${samples.length} |`,
      '',
      `WAL MB every 5 s: ${series.join(', ')}`,
    ].join('\n');
    console.log(table);
    writeResult('wal', { table, json: { machine: machineDescription(), connections: CONNECTIONS, durationSeconds: DURATION, validations: result.requests.total, rps: result.requests.average, p99: result.latency.p99, cpuMicrosPerRequest, eventLoopDelayMs: delay, largestWalMb: largest, databaseMb } });
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
