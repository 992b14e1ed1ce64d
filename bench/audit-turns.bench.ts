/**
 * bench:audit-turns: how long one audit read holds the event loop at a time. On a generated
 * SQLite ledger (BENCH_TURNS_DECISIONS decision records of one org, default 25,000, and an org
 * of BENCH_TURNS_DEVICES registered devices, default 100,000), runs each audit read of the
 * control plane (device history, the decisions query, state at a moment, export) with
 * nothing else on the loop, and times every iteration of the event loop that read from the
 * ledger (wall clock and process CPU): one page of rows (AUDIT_PAGE_ROWS) and what the read
 * does with it. The idle iterations between audit turns are not counted. BENCH_TURNS_PAGE
 * overrides the page size, to compare.
 */
import { AUDIT_PAGE_ROWS, deviceHistory, exportOrgLines, orgStateAt } from '@warden/audit';
import { orgStream, SqliteEventLedger, type EventLedger, type ReadAllOptions, type ReadStreamOptions, type RecordedEvent } from '@warden/ledger';
import { FaultyEventLedger } from '@warden/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditDecisionsReader } from '../apps/control-plane/src/http/audit-decisions.reader';
import { seedDecisions, seedDevices } from '../test/support/audit-ledger.seed';
import { machineDescription } from './support/bench-environment';
import { writeResult } from './support/results';

const DECISIONS = Number(process.env.BENCH_TURNS_DECISIONS ?? 25_000);
const DEVICES = Number(process.env.BENCH_TURNS_DEVICES ?? 100_000);
const PAGE = Number(process.env.BENCH_TURNS_PAGE ?? AUDIT_PAGE_ROWS);
const AT = '2030-01-01T00:00:00.000Z';

/** Set by every ledger read; the turn meter counts only iterations that read. */
let readInThisTurn = false;

/** The ledger, noting every read. */
class MarkingLedger extends FaultyEventLedger {
  override readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    readInThisTurn = true;
    return super.readAll(options);
  }

  override readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    readInThisTurn = true;
    return super.readStream(streamId, options);
  }
}

interface TurnStats {
  turns: number;
  totalMs: number;
  p50: number;
  p99: number;
  maxWall: number;
  maxCpu: number;
}

/** Runs `work` while a setImmediate chain times every iteration of the event loop that read from the ledger. */
async function timeTurns(work: () => Promise<unknown>): Promise<TurnStats> {
  const walls: number[] = [];
  let maxCpu = 0;
  let running = true;
  let lastWall = performance.now();
  let lastCpu = process.cpuUsage();
  const meter = (): void => {
    const wall = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    if (readInThisTurn) {
      walls.push(wall - lastWall);
      maxCpu = Math.max(maxCpu, (cpu.user + cpu.system) / 1000);
    }
    readInThisTurn = false;
    lastWall = wall;
    lastCpu = process.cpuUsage();
    if (running) setImmediate(meter);
  };
  const started = performance.now();
  setImmediate(meter);
  await work();
  running = false;
  const totalMs = performance.now() - started;
  walls.sort((a, b) => a - b);
  const at = (q: number): number => walls[Math.min(walls.length - 1, Math.floor(q * walls.length))] ?? 0;
  return { turns: walls.length, totalMs, p50: at(0.5), p99: at(0.99), maxWall: walls[walls.length - 1] ?? 0, maxCpu };
}

async function generate(ledger: EventLedger): Promise<void> {
  const meta = { actor: 'bench', correlationId: 'bench' };
  for (const [orgId, limit] of [['audited', 100], ['big', DEVICES * 2]] as const) {
    await ledger.append(
      orgStream(orgId),
      [
        { eventId: `${orgId}-0`, type: 'OrgCreated', data: { orgId, at: AT, name: orgId, planTier: 'custom', limit }, metadata: meta },
        { eventId: `${orgId}-1`, type: 'OrgKeyIssued', data: { orgId, at: AT, keyId: 'k', keyHash: 'a'.repeat(64), scope: 'admin' }, metadata: meta },
      ],
      { expectedRevision: 'no_stream' },
    );
  }
  await seedDevices(ledger, 'audited', 50);
  await seedDecisions(ledger, 'audited', { count: DECISIONS, devices: 50 });
  await seedDevices(ledger, 'big', DEVICES);
}

async function drain(lines: AsyncGenerator<string>): Promise<number> {
  let count = 0;
  for await (const _line of lines) count++;
  return count;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-turns-bench-'));
  try {
    const sqlite = await SqliteEventLedger.open({ path: join(dir, 'ledger.sqlite') });
    await generate(sqlite);
    const ledger = new MarkingLedger(sqlite);
    // A signal makes each read an audit query, as the control plane runs it (without one, the CLI's way, it runs straight through).
    const signal = new AbortController().signal;
    const options = { pageSize: PAGE, signal };
    const reader = new AuditDecisionsReader(ledger);
    const reads: Array<[string, () => Promise<unknown>]> = [
      [`device history (${DECISIONS.toLocaleString()} decisions scanned, chains checked)`, () => deviceHistory(ledger, 'audited', 'd7', options)],
      [`audit/decisions, no match (${DECISIONS.toLocaleString()} scanned; always ${AUDIT_PAGE_ROWS} rows a page)`, () => reader.query({ orgId: 'audited', deviceId: 'nobody', limit: 100 }, signal)],
      [`export (${DECISIONS.toLocaleString()} decisions)`, () => drain(exportOrgLines(ledger, { orgId: 'audited', pageSize: PAGE, signal }))],
      [`state at a moment (${DEVICES.toLocaleString()} devices)`, () => orgStateAt(ledger, 'big', { position: 2n ** 62n }, options)],
      [`device history in the org of ${DEVICES.toLocaleString()} devices`, () => deviceHistory(ledger, 'big', 'r7', options)],
    ];
    const rows: string[] = [];
    for (const [name, read] of reads) {
      await read(); // warm up
      const stats = await timeTurns(read);
      rows.push(
        `| ${name} | ${stats.turns} | ${stats.totalMs.toFixed(0)} | ${stats.p50.toFixed(2)} | ${stats.p99.toFixed(2)} | ${stats.maxWall.toFixed(1)} | ${stats.maxCpu.toFixed(1)} |`,
      );
      console.log(rows[rows.length - 1]);
    }
    await ledger.close();
    const table = [
      `bench:audit-turns on ${machineDescription()}: ${PAGE} rows per page (${new Date().toISOString()})`,
      '',
      '| audit read | turns that read | total ms | turn p50 ms | turn p99 ms | longest turn ms (wall) | longest turn ms (CPU) |',
      '|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n');
    console.log(`\n${table}`);
    writeResult('audit-turns', { table, json: { machine: machineDescription(), page: PAGE, rows } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
