/**
 * bench:startup: time from process start to ready (listening: the projection has caught up
 * before the server takes requests) on a SQLite ledger of BENCH_STARTUP_CONTROL (1,000,000)
 * control events, mostly device registrations (1,000 devices per org), and
 * BENCH_STARTUP_DECISIONS (1,000,000) decision records; and the server's RSS once ready.
 * The baseline measured in the same run is the same process on an empty ledger.
 */
import { decisionsStream, orgStream, SqliteEventLedger, type NewEvent } from '@warden/ledger';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnControlPlane } from '../test/support/control-plane.process';
import { BENCH_ADMIN_TOKEN, machineDescription } from './support/bench-environment';
import { childPids } from './support/process-cpu';
import { writeResult } from './support/results';

const CONTROL = Number(process.env.BENCH_STARTUP_CONTROL ?? 1_000_000);
const DECISIONS = Number(process.env.BENCH_STARTUP_DECISIONS ?? 1_000_000);
const DEVICES_PER_ORG = 1000;
const AT = '2030-01-01T00:00:00.000Z';
const META = { actor: 'bench', correlationId: 'bench' };

export interface StartupRun {
  readonly readyMs: number;
  readonly rssMb: number;
  /** The control plane's own log lines with a duration (snapshot restore, projection catch-up, snapshot written at shutdown). */
  readonly phases: Record<string, number>;
}

function phasesOf(output: readonly string[]): Record<string, number> {
  const phases: Record<string, number> = {};
  for (const line of output) {
    try {
      const entry = JSON.parse(line) as { msg?: string; ms?: number };
      if (typeof entry.ms === 'number' && entry.msg) phases[entry.msg] = entry.ms;
    } catch {
      // not a log line
    }
  }
  return phases;
}

/** Orgs of DEVICES_PER_ORG registered devices until CONTROL control events, then DECISIONS records. */
async function generate(path: string): Promise<{ devices: number }> {
  const ledger = await SqliteEventLedger.open({ path });
  let id = 0;
  let devices = 0;
  for (let org = 0; id < CONTROL; org++) {
    const orgId = `bench-org-${org}`;
    const events: NewEvent[] = [
      { eventId: `c${id++}`, type: 'OrgCreated', data: { orgId, at: AT, name: orgId, planTier: 'custom', limit: DEVICES_PER_ORG }, metadata: META },
      { eventId: `c${id++}`, type: 'OrgKeyIssued', data: { orgId, at: AT, keyId: `k${org}`, keyHash: org.toString(16).padStart(64, '0'), scope: 'admin' }, metadata: META },
    ];
    for (let d = 0; d < DEVICES_PER_ORG - 2 && id < CONTROL; d++, devices++) {
      events.push({ eventId: `c${id++}`, type: 'DeviceRegistered', data: { orgId, at: AT, deviceId: `device-${d}`, labels: {} }, metadata: META });
    }
    await ledger.append(orgStream(orgId), events, { expectedRevision: 'no_stream' });
  }
  for (let written = 0; written < DECISIONS; written += 5000) {
    const batch = Array.from({ length: Math.min(5000, DECISIONS - written) }, (_, i): NewEvent => {
      const decisionId = `q${written + i}`;
      const data = { decisionId, orgId: 'bench-org-0', deviceId: `device-${i % 998}`, action: 'validate', allowed: true, code: 'ALLOW', orgRevision: 999, decidedAt: AT };
      return { eventId: decisionId, type: 'PermissionDecided', data, metadata: META };
    });
    await ledger.append(decisionsStream('bench-earlier-node'), batch, { expectedRevision: 'any' });
  }
  await ledger.close();
  return { devices };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** Starts the control plane on `dataDir` and measures until it listens; stops it again. */
async function startOnce(dataDir: string): Promise<StartupRun> {
  const started = process.hrtime.bigint();
  const warden = await spawnControlPlane({ WARDEN_DATA_DIR: dataDir, WARDEN_LOG_LEVEL: 'info', WARDEN_ADMIN_TOKEN: BENCH_ADMIN_TOKEN });
  const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
  let rss: number;
  try {
    rss = rssMb(childPids(warden.process.pid!)[0]!);
  } finally {
    await warden.stop();
  }
  // After the stop: its log holds the snapshot written at shutdown as well.
  return { readyMs, rssMb: rss, phases: phasesOf(warden.output) };
}

export async function benchStartup(): Promise<{ table: string; json: unknown }> {
  const emptyDir = mkdtempSync(join(tmpdir(), 'warden-startup-empty-'));
  const fullDir = mkdtempSync(join(tmpdir(), 'warden-startup-full-'));
  try {
    await startOnce(emptyDir); // builds the control plane if needed, outside the measurement
    const generatedAt = process.hrtime.bigint();
    const { devices } = await generate(join(fullDir, 'ledger.sqlite'));
    const generateSeconds = Number(process.hrtime.bigint() - generatedAt) / 1e9;
    const empty = await startOnce(emptyDir);
    const full = await startOnce(fullDir);
    const again = await startOnce(fullDir);
    const label = `${(CONTROL / 1e6).toLocaleString()}M + ${(DECISIONS / 1e6).toLocaleString()}M`;
    const table = [
      `bench:startup on ${machineDescription()}: ${CONTROL.toLocaleString()} control events (${devices.toLocaleString()} registered devices) + ${DECISIONS.toLocaleString()} decision records, SQLite (generated in ${generateSeconds.toFixed(0)} s)`,
      '',
      '| ledger | ready (ms) | RSS when ready (MB) |',
      '|---|---|---|',
      `| empty (baseline) | ${empty.readyMs.toFixed(0)} | ${empty.rssMb.toFixed(0)} |`,
      `| ${label}, first start (no snapshot: full replay) | ${full.readyMs.toFixed(0)} | ${full.rssMb.toFixed(0)} |`,
      `| ${label}, second start (from the snapshot written at shutdown) | ${again.readyMs.toFixed(0)} | ${again.rssMb.toFixed(0)} |`,
      '',
      `First start: ${Object.entries(full.phases).map(([phase, ms]) => `${phase}: ${ms} ms`).join('; ')}. Second start: ${Object.entries(again.phases).map(([phase, ms]) => `${phase}: ${ms} ms`).join('; ')}.`,
      '',
      `Ready in ${(again.readyMs / 1000).toFixed(1)} s (target <= 5 s); RSS ${again.rssMb.toFixed(0)} MB for ${devices.toLocaleString()} devices (target <= 600 MB)`,
    ].join('\n');
    return { table, json: { machine: machineDescription(), controlEvents: CONTROL, decisions: DECISIONS, devices, empty, first: full, second: again } };
  } finally {
    rmSync(emptyDir, { recursive: true, force: true });
    rmSync(fullDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchStartup().then(
    (result) => {
      console.log(result.table);
      writeResult('startup', result);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
