/**
 * What `warden backup` costs, and what it costs the control plane serving meanwhile. A
 * SQLite ledger of BENCH_DECISIONS decision records (default 100,000) is served by the real
 * control-plane process; then, alternately (BENCH_ROUNDS times, default 3):
 * - baseline: autocannon validates for BENCH_SECONDS (default 8) with BENCH_CONNECTIONS (10);
 * - under backup: the same load while `warden backup` (the CLI, its own process) runs back to back.
 * - control: the same load while a spinning process keeps one core busy (what any CPU-bound
 *   neighbour costs on this machine, to read the backup's cost against).
 * Also backups with no load at all. Reports medians over the rounds: validate req/s, p50 and
 * p99 beside the baseline of the same round, backup copy and verify times idle and under load,
 * and a plain file copy of the same (idle, checkpointed) database as the raw copy baseline.
 * Run with `npm run bench:backup`; results in bench/results/backup.{md,json}.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { decisionsStream, type NewEvent, orgStream, SqliteEventLedger, sqliteLedgerPath } from '@warden/ledger';
import { spawnControlPlane } from '../test/support/control-plane.process';
import { machineDescription } from './support/bench-environment';
import { writeResult } from './support/results';

const DECISIONS = Number(process.env.BENCH_DECISIONS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ORG_KEY = 'org_bench_backup_key_0123456789abcdef';
const AT = '2030-01-01T00:00:00.000Z';
const MB = 1024 * 1024;
const run = promisify(execFile);
const WARDEN = join(__dirname, '../scripts/warden.mjs');

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
};

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
  for (let written = 0; written < DECISIONS; written += 2000) {
    const events: NewEvent[] = [];
    for (let i = written; i < Math.min(DECISIONS, written + 2000); i++) {
      const decisionId = `seed-${i}`;
      events.push({
        eventId: decisionId,
        type: 'PermissionDecided',
        data: { decisionId, orgId, deviceId: 'device-1', action: 'validate', allowed: true, code: 'ALLOW', orgRevision: 2, decidedAt: AT },
        metadata: { actor: 'k', correlationId: decisionId },
      });
    }
    await ledger.append(decisionsStream('seeded'), events, { expectedRevision: 'any' });
  }
  await ledger.close();
}

async function load(url: string): Promise<autocannon.Result> {
  return autocannon({
    url: `${url}/api/v1/devices/validate`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { 'content-type': 'application/json', 'x-org-key': ORG_KEY },
    body: JSON.stringify({ deviceId: 'device-1' }),
  });
}

/** One `warden backup` in its own process, as an operator runs it (a backup in this process would stall autocannon's event loop, not the server's). */
async function backupOnce(dataDir: string, work: string): Promise<{ copyMs: number; verifyMs: number; events: number; bytes: number }> {
  const { stdout } = await run(process.execPath, [WARDEN, 'backup', '--out', join(work, 'backup.sqlite'), '--force', '--json'], {
    env: { ...process.env, WARDEN_DATA_DIR: dataDir, WARDEN_LEDGER: 'sqlite' },
  });
  const report = JSON.parse(stdout) as { ok: boolean; copyMs: number; verifyMs: number; events: number; bytes: number };
  if (!report.ok) throw new Error(`backup did not verify: ${stdout}`);
  return { copyMs: report.copyMs, verifyMs: report.verifyMs, events: report.events, bytes: report.bytes };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-backup-bench-'));
  const work = mkdtempSync(join(tmpdir(), 'warden-backup-bench-out-'));
  try {
    await seed(dataDir);
    const rawStarted = performance.now();
    copyFileSync(sqliteLedgerPath(dataDir), join(work, 'raw-copy.sqlite'));
    const rawCopyMs = performance.now() - rawStarted;
    const dbMb = statSync(sqliteLedgerPath(dataDir)).size / MB;

    const warden = await spawnControlPlane({ WARDEN_DATA_DIR: dataDir, WARDEN_LOG_LEVEL: 'info', WARDEN_ADMIN_TOKEN: 'bench-admin-token-0123456789' });
    const rounds: { base: autocannon.Result; loaded: autocannon.Result; burned: autocannon.Result; idle: Awaited<ReturnType<typeof backupOnce>>; underLoad: Awaited<ReturnType<typeof backupOnce>>[] }[] = [];
    try {
      await load(warden.url); // warm-up, not counted
      for (let round = 0; round < ROUNDS; round++) {
        const idle = await backupOnce(dataDir, work);
        const base = await load(warden.url);
        const underLoad: Awaited<ReturnType<typeof backupOnce>>[] = [];
        let loading = true;
        const loaded = load(warden.url).finally(() => (loading = false));
        while (loading) underLoad.push(await backupOnce(dataDir, work));
        const burner = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
        const burned = await load(warden.url).finally(() => burner.kill());
        rounds.push({ base, loaded: await loaded, idle, underLoad, burned });
        console.log(`round ${round + 1}: baseline ${Math.round(base.requests.average)} req/s p99 ${base.latency.p99} ms; under backup ${Math.round((await loaded).requests.average)} req/s p99 ${(await loaded).latency.p99} ms; ${underLoad.length} backups`);
      }
    } finally {
      await warden.stop();
    }
    const m = (pick: (round: (typeof rounds)[number]) => number) => median(rounds.map(pick));
    const errors = rounds.reduce((sum, r) => sum + r.base.errors + r.base.non2xx + r.loaded.errors + r.loaded.non2xx + r.burned.errors + r.burned.non2xx, 0);
    const figures = {
      decisions: DECISIONS,
      databaseMb: dbMb,
      rawCopyMs,
      baseline: { rps: m((r) => r.base.requests.average), p50: m((r) => r.base.latency.p50), p99: m((r) => r.base.latency.p99) },
      busyCore: { rps: m((r) => r.burned.requests.average), p50: m((r) => r.burned.latency.p50), p99: m((r) => r.burned.latency.p99) },
      underBackup: { rps: m((r) => r.loaded.requests.average), p50: m((r) => r.loaded.latency.p50), p99: m((r) => r.loaded.latency.p99) },
      backupIdle: { copyMs: m((r) => r.idle.copyMs), verifyMs: m((r) => r.idle.verifyMs) },
      backupUnderLoad: { copyMs: median(rounds.flatMap((r) => r.underLoad.map((b) => b.copyMs))), verifyMs: median(rounds.flatMap((r) => r.underLoad.map((b) => b.verifyMs))) },
      backupsUnderLoad: rounds.reduce((sum, r) => sum + r.underLoad.length, 0),
      errors,
    };
    const table = [
      `bench/backup.bench.ts on ${machineDescription()}: ${DECISIONS.toLocaleString()} decisions (${dbMb.toFixed(1)} MB), ${CONNECTIONS} connections validating, ${SECONDS} s per phase, medians of ${ROUNDS} rounds (${new Date().toISOString()})`,
      '',
      '| validate | req/s | p50 ms | p99 ms |',
      '|---|---|---|---|',
      `| baseline (no backup) | ${Math.round(figures.baseline.rps)} | ${figures.baseline.p50} | ${figures.baseline.p99} |`,
      `| while backups run back to back | ${Math.round(figures.underBackup.rps)} | ${figures.underBackup.p50} | ${figures.underBackup.p99} |`,
      `| control: one core kept busy by a spinning process, no backup | ${Math.round(figures.busyCore.rps)} | ${figures.busyCore.p50} | ${figures.busyCore.p99} |`,
      '',
      '| backup | copy ms | verify ms |',
      '|---|---|---|',
      `| raw file copy of the idle database (baseline, unsafe on a live file) | ${rawCopyMs.toFixed(0)} | - |`,
      `| warden backup, no load | ${figures.backupIdle.copyMs} | ${figures.backupIdle.verifyMs} |`,
      `| warden backup, under validate load (${figures.backupsUnderLoad} backups) | ${figures.backupUnderLoad.copyMs} | ${figures.backupUnderLoad.verifyMs} |`,
      '',
      `errors + non-2xx: ${errors}`,
    ].join('\n');
    console.log(table);
    writeResult('backup', { table, json: { machine: machineDescription(), ...figures } });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
