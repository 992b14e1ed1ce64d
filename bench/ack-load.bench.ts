/**
 * bench:acks: does recording acks slow validate? autocannon (BENCH_CONNECTIONS=100 connections,
 * BENCH_DURATION=10 s, after a warm-up) against POST /api/v1/devices/validate on SQLite over
 * BENCH_DEVICES (20,000) devices, with BENCH_ACK_RATE (1,000) acks per second arriving over
 * HTTP (`POST devices/ack`, each a new device and position, so each is recorded) and, in the
 * same round on a fresh control plane, with none. Reports the server's CPU microseconds per
 * validate (all its CPU, acks included, over the validations answered), validate p50/p99 and
 * req/s, over BENCH_ROUNDS (3) alternating rounds; the median round's ratio is the headline.
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
import { WardenHttp } from '../test/support/http-client';
import { machineDescription } from './support/bench-environment';
import { childPids, processCpuMicros } from './support/process-cpu';
import { writeResult } from './support/results';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 20_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ACK_RATE = Number(process.env.BENCH_ACK_RATE ?? 1000);
const WARM_UP_SECONDS = 2;
const ORG_KEY = 'org_bench_acks_key_0123456789';
const AT = '2030-01-01T00:00:00.000Z';

interface Run {
  readonly name: string;
  readonly validations: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly acksSent: number;
  readonly acksRefused: number;
  readonly cpuMicrosPerValidate: number;
}

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

/**
 * Changes every device twice (suspend, resume: two positions, each touching every device), so
 * there are 2 x DEVICES distinct acks to send; resolves once this node's relay knows both.
 */
async function changesToAcknowledge(http: WardenHttp): Promise<string[]> {
  const org = http.withKey(ORG_KEY);
  const positions = [(await org.post('/api/v1/org/suspend', {})).body.position as string, (await org.post('/api/v1/org/resume', {})).body.position as string];
  for (;;) {
    const known = await org.get(`/api/v1/propagation?position=${positions[1]}`);
    if (known.status === 200) return positions;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The ack sender (support/ack-sender.js) in its own process; `counts()` is what it reported last. */
async function ackStream(url: string, positions: readonly string[]) {
  const child = spawn(process.execPath, [join(__dirname, 'support/ack-sender.js'), url, ORG_KEY, positions.join(','), String(DEVICES), String(ACK_RATE)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let last = { sent: 0, refused: 0 };
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    const match = /^sent (\d+) refused (\d+)$/.exec(line);
    if (match) last = { sent: Number(match[1]), refused: Number(match[2]) };
  });
  await new Promise((resolve) => lines.once('line', resolve));
  return {
    stop: () => child.kill('SIGTERM'),
    counts: () => last,
  };
}

async function runWarden(dataDir: string, withAcks: boolean): Promise<Run> {
  const warden = await spawnControlPlane({ WARDEN_DATA_DIR: dataDir, WARDEN_LOG_LEVEL: 'info', WARDEN_ADMIN_TOKEN: 'bench-admin-token-0123456789' });
  try {
    const serverPid = childPids(warden.process.pid!)[0]!;
    const positions = await changesToAcknowledge(new WardenHttp(warden.url));
    const options = {
      url: `${warden.url}/api/v1/devices/validate`,
      method: 'POST' as const,
      connections: CONNECTIONS,
      headers: { 'content-type': 'application/json', 'x-org-key': ORG_KEY },
      requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, body: JSON.stringify({ deviceId: `device-${Math.floor(Math.random() * DEVICES)}` }) }) }],
    };
    const acks = withAcks ? await ackStream(warden.url, positions) : undefined;
    try {
      await autocannon({ ...options, duration: WARM_UP_SECONDS });
      const before = { cpu: processCpuMicros(serverPid), acks: acks?.counts() ?? { sent: 0, refused: 0 } };
      const result = await autocannon({ ...options, duration: DURATION });
      const cpu = processCpuMicros(serverPid) - before.cpu;
      const after = acks?.counts() ?? { sent: 0, refused: 0 };
      return {
        name: withAcks ? `validate with ${ACK_RATE.toLocaleString()} acks/s (HTTP)` : 'validate, no acks',
        validations: result.requests.total,
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors + result.non2xx,
        acksSent: after.sent - before.acks.sent,
        acksRefused: after.refused - before.acks.refused,
        cpuMicrosPerValidate: cpu / Math.max(1, result.requests.total),
      };
    } finally {
      acks?.stop();
    }
  } finally {
    await warden.stop();
  }
}

/** The server CPU of the with-acks run beyond what its validations cost without acks, per ack sent. */
function extraCpuPerAck(none: Run, acks: Run): number {
  const extra = (acks.cpuMicrosPerValidate - none.cpuMicrosPerValidate) * acks.validations;
  return extra / Math.max(1, acks.acksSent);
}

async function withSeededLedger<T>(run: (dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-acks-bench-'));
  try {
    await seed(dataDir);
    return await run(dataDir);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const rounds: { none: Run; acks: Run; ratio: number; cpuMicrosPerAck: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // A fresh ledger per run: acks recorded in one run must not make the next one's ledger bigger.
    const none = await withSeededLedger((dataDir) => runWarden(dataDir, false));
    const acks = await withSeededLedger((dataDir) => runWarden(dataDir, true));
    rounds.push({ none, acks, ratio: acks.cpuMicrosPerValidate / none.cpuMicrosPerValidate, cpuMicrosPerAck: extraCpuPerAck(none, acks) });
  }
  const headline = rounds.find((round) => round.ratio === median(rounds.map((r) => r.ratio)))!;
  const row = (round: number, r: Run) =>
    `| ${round + 1} | ${r.name} | ${Math.round(r.rps).toLocaleString()} | ${r.p50} | ${r.p99} | ${r.cpuMicrosPerValidate.toFixed(1)} | ${r.acksSent.toLocaleString()} (${r.acksRefused} refused) | ${r.errors} |`;
  const table = [
    `bench:acks on ${machineDescription()}: ${CONNECTIONS} connections, ${DURATION} s per run, ${DEVICES.toLocaleString()} devices, ${ROUNDS} rounds (${new Date().toISOString()})`,
    '',
    '| round | load | validate req/s | p50 ms | p99 ms | server CPU µs/validate | acks sent in the run | errors + non-2xx |',
    '|---|---|---|---|---|---|---|---|',
    ...rounds.flatMap((r, i) => [row(i, r.none), row(i, r.acks)]),
    '',
    `server CPU per validate, with acks / without, same round: ${rounds.map((r) => `${r.ratio.toFixed(2)}x`).join(', ')} (median ${headline.ratio.toFixed(2)}x); ` +
      `median round p99 ${headline.none.p99} ms without, ${headline.acks.p99} ms with acks; ` +
      `server CPU per ack (the with-acks run's CPU beyond its validations at the no-acks cost): ${rounds.map((r) => `${r.cpuMicrosPerAck.toFixed(0)} µs`).join(', ')}`,
  ].join('\n');
  console.log(table);
  writeResult('acks', { table, json: { machine: machineDescription(), devices: DEVICES, connections: CONNECTIONS, durationSeconds: DURATION, ackRate: ACK_RATE, rounds, medianRatio: headline.ratio } });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
