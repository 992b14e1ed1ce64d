/**
 * The audit index part of bench:audit: a SQLite ledger of BENCH_AUDIT_DECISIONS decision
 * records (default 10,000,000: 20,000 orgs × 5 devices × 100 decisions each, every device's
 * records spread over the whole ledger), then in one run: the raw read rate of that ledger,
 * the index build rate, and the latency of the audit reads one device (100 decisions) or one
 * org (500) needs, through the index, beside one run of the same reads by scanning.
 * BENCH_AUDIT_LEDGER_DIR keeps the generated ledger there and reuses it on the next run.
 */
import { type AuditIndexAccess, deviceHistory, exportOrgLines, rebuildIndex, SqliteAuditIndexStore } from '@warden/audit';
import { SqliteEventLedger } from '@warden/ledger';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditDecisionsReader } from '../apps/control-plane/src/http/audit-decisions.reader';
import { type DecisionLedgerShape, generateDecisionLedger, GENERATED_START_MS, MS_PER_DECISION, orgName } from './support/decision-ledger.generator';
import { formatMs, summarize } from './support/stats';

const DECISIONS = Number(process.env.BENCH_AUDIT_DECISIONS ?? 10_000_000);
const RUNS = 9;

export interface AuditIndexFigures {
  readonly table: string;
  readonly json: Record<string, unknown>;
}

export async function runAuditIndexBench(): Promise<AuditIndexFigures> {
  const shape: DecisionLedgerShape = { orgs: Math.max(1, Math.round(DECISIONS / 500)), devicesPerOrg: 5, perDevice: 100 };
  const total = shape.orgs * shape.devicesPerOrg * shape.perDevice;
  const keep = process.env.BENCH_AUDIT_LEDGER_DIR;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'warden-audit-index-bench-'));
  mkdirSync(dir, { recursive: true });
  const ledgerPath = join(dir, `ledger-${total}.sqlite`);
  const indexPath = join(dir, 'index.sqlite');
  try {
    const reuse = existsSync(ledgerPath);
    let generateSeconds = 0;
    if (!reuse) {
      // Generated under another name and renamed once complete: an interrupted run is never reused.
      const partial = `${ledgerPath}.partial`;
      for (const file of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(file, { force: true });
      const writing = await SqliteEventLedger.open({ path: partial });
      const started = performance.now();
      await generateDecisionLedger(writing, shape, (done, all) => {
        if (done % 500_000 === 0 || done === all) process.stderr.write(`\rgenerating: ${done.toLocaleString()}/${all.toLocaleString()} decisions (${Math.round(done / ((performance.now() - started) / 1000)).toLocaleString()}/s)`);
      });
      await writing.close();
      process.stderr.write('\n');
      generateSeconds = (performance.now() - started) / 1000;
      renameSync(partial, ledgerPath);
    }
    const ledger = await SqliteEventLedger.open({ path: ledgerPath });
    const ledgerBytes = statSync(ledgerPath).size;

    let started = performance.now();
    let events = 0;
    let after: bigint | undefined;
    for (;;) {
      const page = await ledger.readAll({ after, limit: 5000 });
      if (page.length === 0) break;
      events += page.length;
      after = page[page.length - 1].position;
    }
    const rawSeconds = (performance.now() - started) / 1000;

    rmSync(indexPath, { force: true });
    const store = SqliteAuditIndexStore.open(indexPath);
    started = performance.now();
    const indexed = await rebuildIndex(ledger, store, {
      onProgress: (records) => {
        if (records % 1_000_000 < 5000) process.stderr.write(`\rindexing: ${records.toLocaleString()} records`);
      },
    });
    process.stderr.write('\n');
    const indexSeconds = (performance.now() - started) / 1000;
    const indexBytes = statSync(indexPath).size;

    const org = orgName(Math.floor(shape.orgs * 0.61803));
    const orgNumber = Math.floor(shape.orgs * 0.61803);
    const access: AuditIndexAccess = { searchOptions: () => ({ index: store }) };
    const reader = new AuditDecisionsReader(ledger, access);
    // The org's decisions are i = org + j × orgs; 100 of them in the window, from its 201st.
    const time = (j: number) => new Date(GENERATED_START_MS + (orgNumber + j * shape.orgs) * MS_PER_DECISION).toISOString();
    const queries: Record<string, () => Promise<number>> = {
      'device history (GET devices/history)': async () => (await deviceHistory(ledger, org, 'd2', access.searchOptions())).length,
      'decisions of a device (GET audit/decisions?deviceId=)': async () => (await reader.query({ orgId: org, deviceId: 'd2', limit: 1000 })).decisions.length,
      'decisions in a time range (GET audit/decisions?from=&to=)': async () => (await reader.query({ orgId: org, from: time(200), to: time(299), limit: 1000 })).decisions.length,
      'export of the org (GET audit/export)': async () => {
        let lines = 0;
        for await (const _ of exportOrgLines(ledger, { orgId: org, ...access.searchOptions() })) lines++;
        return lines;
      },
    };
    const rows: string[] = [];
    const json: Record<string, unknown> = {};
    for (const [name, run] of Object.entries(queries)) {
      const samples: number[] = [];
      let records = 0;
      for (let r = 0; r < RUNS; r++) {
        const t = performance.now();
        records = await run();
        samples.push(performance.now() - t);
      }
      const s = summarize(samples);
      rows.push(`| ${name} | ${records} | ${formatMs(s.p50)} | ${formatMs(s.max)} |`);
      json[name] = { records, medianMs: s.p50, maxMs: s.max };
    }

    // The same reads without the index, once each: what every one of them cost before.
    const scans: string[] = [];
    if (process.env.BENCH_AUDIT_SCAN_BASELINE !== '0') {
      const scanned: Record<string, () => Promise<number>> = {
        'device history, by scanning': async () => (await deviceHistory(ledger, org, 'd2')).length,
        'export of the org, by scanning': async () => {
          let lines = 0;
          for await (const _ of exportOrgLines(ledger, { orgId: org, pageSize: 5000 })) lines++;
          return lines;
        },
      };
      for (const [name, run] of Object.entries(scanned)) {
        const t = performance.now();
        const records = await run();
        const ms = performance.now() - t;
        scans.push(`| ${name} | ${records} | ${(ms / 1000).toFixed(1)} s (one run) | |`);
        json[name] = { records, ms };
      }
    }
    store.close();
    await ledger.close();

    const rawRate = events / rawSeconds;
    const table = [
      `ledger: ${events.toLocaleString()} events (${total.toLocaleString()} decision records; ${shape.orgs.toLocaleString()} orgs × ${shape.devicesPerOrg} devices × ${shape.perDevice} decisions), ` +
        `${(ledgerBytes / 1e9).toFixed(2)} GB, ${reuse ? 'reused from BENCH_AUDIT_LEDGER_DIR' : `generated through the adapter in ${generateSeconds.toFixed(0)} s`}`,
      '',
      '| measurement | events | seconds | events/s |',
      '|---|---|---|---|',
      `| raw read (read + JSON parse) | ${events} | ${rawSeconds.toFixed(1)} | ${Math.round(rawRate).toLocaleString()} |`,
      `| audit index build (from nothing) | ${indexed} | ${indexSeconds.toFixed(1)} | ${Math.round(indexed / indexSeconds).toLocaleString()} |`,
      '',
      `audit index file: ${(indexBytes / 1e6).toFixed(0)} MB (${(indexBytes / Math.max(1, total)).toFixed(0)} bytes per decision record)`,
      '',
      `| audit read of ${org} (device d2: 100 decisions; the org: 500) | records | median ms (${RUNS} runs) | max ms |`,
      '|---|---|---|---|',
      ...rows,
      ...scans,
    ].join('\n');
    return { table, json: { ...json, events, decisions: total, rawRate, indexRate: indexed / indexSeconds, indexBytes, ledgerBytes } };
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
    else rmSync(indexPath, { force: true });
  }
}
