/**
 * bench:audit: on a generated SQLite ledger of BENCH_AUDIT_EVENTS events (default 1,000,000:
 * half control events across many orgs, half decision records on two nodes), measure in one
 * run the raw read rate (read and JSON-parse only), the replay-with-verification rate
 * (rebuild every org, re-decide every decision, recompute every hash), their ratio, peak RSS,
 * and export throughput (the largest org, NDJSON). First, the audit index part
 * (audit-index.part.ts): a ledger of 10M decision records and the audit reads of one device
 * and one org through the index (BENCH_AUDIT_DECISIONS=0 skips it; BENCH_AUDIT_EVENTS=0 skips
 * the replay part).
 */
import { exportOrg, replayLedger } from '@warden/audit';
import { decisionsStream, orgStream, SqliteEventLedger, type NewEvent } from '@warden/ledger';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineDescription } from './support/bench-environment';
import { writeResult } from './support/results';
import { runAuditIndexBench } from './audit-index.part';

const TOTAL = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);
const DEVICES_PER_ORG = 250;
const AT = '2030-01-01T00:00:00.000Z';

function meta(): NewEvent['metadata'] {
  return { actor: 'bench', correlationId: 'bench' };
}

/** Writes the ledger: per org, creation + key + registrations (a few revoked), and about as many validate decisions. */
async function generate(ledger: SqliteEventLedger): Promise<{ orgs: number; largestOrg: string }> {
  const orgs = Math.max(1, Math.round(TOTAL / 2 / (DEVICES_PER_ORG + 10)));
  let id = 0;
  const nodes = [decisionsStream('bench-a'), decisionsStream('bench-b')];
  for (let o = 0; o < orgs; o++) {
    const orgId = `bench-org-${o}`;
    const control: NewEvent[] = [
      { eventId: `e${id++}`, type: 'OrgCreated', data: { orgId, at: AT, name: orgId, planTier: 'custom', limit: DEVICES_PER_ORG }, metadata: meta() },
      { eventId: `e${id++}`, type: 'OrgKeyIssued', data: { orgId, at: AT, keyId: `k${o}`, keyHash: 'a'.repeat(64), scope: 'admin' }, metadata: meta() },
    ];
    for (let d = 0; d < DEVICES_PER_ORG; d++) {
      control.push({ eventId: `e${id++}`, type: 'DeviceRegistered', data: { orgId, at: AT, deviceId: `d${d}`, labels: {} }, metadata: meta() });
    }
    for (let d = 0; d < 8; d++) {
      control.push({ eventId: `e${id++}`, type: 'DeviceRevoked', data: { orgId, at: AT, deviceId: `d${d}`, reason: '', actor: 'bench' }, metadata: meta() });
    }
    await ledger.append(orgStream(orgId), control, { expectedRevision: 'no_stream' });
    const orgRevision = control.length - 1;
    const decisions: NewEvent[] = [];
    for (let d = 0; d < control.length; d++) {
      const deviceId = `d${d % DEVICES_PER_ORG}`;
      const revoked = d % DEVICES_PER_ORG < 8;
      decisions.push({
        eventId: `q${id++}`,
        type: 'PermissionDecided',
        data: { decisionId: `q${id}`, orgId, deviceId, action: 'validate', allowed: !revoked, code: revoked ? 'DEVICE_REVOKED' : 'ALLOW', orgRevision, decidedAt: AT },
        metadata: meta(),
      });
    }
    await ledger.append(nodes[o % 2]!, decisions, { expectedRevision: 'any' });
    if (o % 200 === 0) process.stderr.write(`\rgenerating: ${o}/${orgs} orgs`);
  }
  process.stderr.write('\n');
  return { orgs, largestOrg: 'bench-org-0' };
}

async function main(): Promise<void> {
  if (Number(process.env.BENCH_AUDIT_DECISIONS ?? 1) > 0) {
    const index = await runAuditIndexBench();
    console.log(index.table);
    writeResult('audit-index', { table: `bench:audit (audit index) on ${machineDescription()} (${new Date().toISOString()})\n\n${index.table}`, json: { machine: machineDescription(), ...index.json } });
  }
  if (TOTAL === 0) return;
  const dir = mkdtempSync(join(tmpdir(), 'warden-audit-bench-'));
  try {
    const ledger = await SqliteEventLedger.open({ path: join(dir, 'ledger.sqlite') });
    const generatedAt = performance.now();
    const { orgs, largestOrg } = await generate(ledger);
    const generateSeconds = (performance.now() - generatedAt) / 1000;

    let started = performance.now();
    let events = 0;
    let after: bigint | undefined;
    for (;;) {
      const page = await ledger.readAll({ after, limit: 5000 });
      if (page.length === 0) break;
      events += page.length;
      after = page[page.length - 1]!.position;
    }
    const rawSeconds = (performance.now() - started) / 1000;

    started = performance.now();
    const report = await replayLedger(ledger, {});
    const replaySeconds = (performance.now() - started) / 1000;

    started = performance.now();
    const manifest = await exportOrg(ledger, { orgId: largestOrg, format: 'ndjson', out: join(dir, 'export.ndjson'), toolVersion: 'bench' });
    const exportSeconds = (performance.now() - started) / 1000;
    await ledger.close();

    const rawRate = events / rawSeconds;
    const replayRate = report.events / replaySeconds;
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const table = [
      `bench:audit on ${machineDescription()} (${new Date().toISOString()})`,
      '',
      `ledger: ${events.toLocaleString()} events (${orgs} orgs), generated in ${generateSeconds.toFixed(1)} s`,
      '',
      '| measurement | events | seconds | events/s |',
      '|---|---|---|---|',
      `| raw read (read + JSON parse) | ${events} | ${rawSeconds.toFixed(2)} | ${Math.round(rawRate).toLocaleString()} |`,
      `| replay with verification | ${report.events} | ${replaySeconds.toFixed(2)} | ${Math.round(replayRate).toLocaleString()} |`,
      `| export (one org, NDJSON) | ${manifest.records} | ${exportSeconds.toFixed(2)} | ${Math.round(manifest.records / exportSeconds).toLocaleString()} |`,
      '',
      `replay / raw read: ${((replayRate / rawRate) * 100).toFixed(0)}% (target >= 50%); peak RSS ${peakRssMb.toFixed(0)} MB;` +
        ` replay found ${report.mismatches.length} mismatches and ${report.chainBreaks.length} chain breaks`,
    ].join('\n');
    console.log(table);
    writeResult('audit', {
      table,
      json: { machine: machineDescription(), events, rawRate, replayRate, ratio: replayRate / rawRate, peakRssMb, exportRate: manifest.records / exportSeconds },
    });
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
