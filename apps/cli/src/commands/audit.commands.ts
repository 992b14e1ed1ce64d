import { checkInvariants, deviceHistory, type DeviceHistoryEntry, orgStateAt, replayLedger } from '@warden/audit';
import type { Command } from 'commander';
import { CliUsageError, loadCliConfig } from '../cli-config';
import { openIndexForReading } from './audit-index';
import { ExitCode } from '../exit-codes';
import { Progress } from '../progress';
import { printJson, withLedger } from './with-ledger';

/** `warden audit replay | state | history | invariants`. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('replay, time travel and invariant checks, straight from the ledger');

  audit
    .command('replay')
    .description(
      'rebuild every org, re-decide every recorded decision, re-derive every lease expiry and check every ack answers a change of its device; report mismatches, unjustified expiries, unexpected acks and hash-chain breaks',
    )
    .option('--org <orgId>', 'only this org')
    .option('--json', 'print the full report as JSON')
    .action(async (options: { org?: string; json?: boolean }) => {
      const progress = new Progress('replay');
      const report = await withLedger((ledger) => replayLedger(ledger, { orgId: options.org, onProgress: (events) => progress.update(events) }));
      progress.stop();
      if (options.json) printJson(report);
      else {
        console.log(`events read: ${report.events}, orgs: ${report.orgs}, decisions re-decided: ${report.decisions}`);
        console.log(`mismatches: ${report.mismatches.length}, hash-chain breaks: ${report.chainBreaks.length}`);
        for (const m of report.mismatches) {
          console.log(`  MISMATCH ${m.decisionId} at ${m.position}: recorded ${m.recorded.code}, recomputed ${m.recomputed.code} (org ${m.orgId}, device ${m.deviceId}, revision ${m.orgRevision})`);
        }
        for (const b of report.chainBreaks) console.log(`  CHAIN BREAK ${b.streamId} revision ${b.revision} at ${b.position}: ${b.reason}`);
        console.log(`lease expiries not justified by the record: ${report.unjustifiedExpiries.length}`);
        for (const e of report.unjustifiedExpiries) console.log(`  UNJUSTIFIED EXPIRY org ${e.orgId} at ${e.position}: ${e.detail}`);
        console.log(`acks checked: ${report.acks}, acks that answer no change of their device: ${report.unexpectedAcks.length}`);
        for (const a of report.unexpectedAcks) {
          console.log(`  UNEXPECTED ACK ${a.streamId} revision ${a.revision} at ${a.position}: device ${a.deviceId} of org ${a.orgId}, position ${a.ackedPosition}: ${a.detail}`);
        }
        for (const m of report.malformed) console.log(`  MALFORMED ${m.streamId} at ${m.position}: ${m.reason}`);
      }
      const failures = report.mismatches.length + report.chainBreaks.length + report.unjustifiedExpiries.length + report.unexpectedAcks.length;
      process.exitCode = failures > 0 ? ExitCode.CheckFailed : ExitCode.Ok;
    });

  audit
    .command('state')
    .description("every device of an org and its permission at a time or a ledger position")
    .requiredOption('--org <orgId>', 'the org')
    .requiredOption('--at <time|position>', 'ISO 8601 time, or a ledger position (digits)')
    .option('--json', 'print JSON')
    .action(async (options: { org: string; at: string; json?: boolean }) => {
      const at = parseAt(options.at);
      const state = await withLedger((ledger) => orgStateAt(ledger, options.org, at));
      if (options.json) return printJson(state);
      console.log(`org ${state.orgId} at position ${state.position}: plan ${state.planTier}, limit ${state.limit}${state.suspended ? ', SUSPENDED' : ''}`);
      for (const device of state.devices) console.log(`  ${device.deviceId}\t${device.status}\t${device.allowed ? 'allowed' : 'denied'}\t${device.code}`);
    });

  audit
    .command('history')
    .description("a device's control events, decisions and acks, in ledger order")
    .requiredOption('--org <orgId>', 'the org')
    .requiredOption('--device <deviceId>', 'the device')
    .option('--json', 'print JSON')
    .action(async (options: { org: string; device: string; json?: boolean }) => {
      const index = openIndexForReading(loadCliConfig());
      const history = await withLedger((ledger) => deviceHistory(ledger, options.org, options.device, index.search)).finally(index.close);
      if (options.json) return printJson(history);
      for (const entry of history) console.log(`${entry.position}\t${entry.at}\t${entry.type}\t${describe(entry)}`);
    });

  audit
    .command('invariants')
    .description('prove from the ledger that no cap was exceeded and no ALLOW was recorded for a denied device')
    .option('--org <orgId>', 'only this org')
    .option('--json', 'print JSON')
    .action(async (options: { org?: string; json?: boolean }) => {
      const progress = new Progress('invariants');
      const report = await withLedger((ledger) => checkInvariants(ledger, { orgId: options.org, onProgress: (events) => progress.update(events) }));
      progress.stop();
      if (options.json) printJson(report);
      else {
        console.log(`breaches: ${report.breaches.length}`);
        for (const b of report.breaches) console.log(`  BREACH ${b.kind} org ${b.orgId}${b.deviceId ? ` device ${b.deviceId}` : ''} at ${b.position}: ${b.detail}`);
      }
      process.exitCode = report.breaches.length > 0 ? ExitCode.CheckFailed : ExitCode.Ok;
    });
}

function parseAt(at: string): { time: string } | { position: bigint } {
  if (/^\d+$/.test(at)) return { position: BigInt(at) };
  if (Number.isNaN(Date.parse(at))) throw new CliUsageError(`--at must be an ISO 8601 time or a position, got ${JSON.stringify(at)}`);
  return { time: new Date(at).toISOString() };
}

function describe(entry: DeviceHistoryEntry): string {
  const d = entry.data as Record<string, unknown>;
  if (entry.type === 'PermissionDecided') return `${d.action ?? ''} ${d.allowed ? 'ALLOW' : 'DENY'} ${d.code} (decision ${d.decisionId})`;
  if (entry.type === 'PermissionAcknowledged') {
    const stopped = typeof d.stoppedAt === 'string' ? `, stopped at ${d.stoppedAt}` : '';
    const via = typeof d.transport === 'string' ? ` via ${d.transport}` : '';
    return `ack of position ${d.position}: received at ${d.receivedAt}${stopped}${via} (by ${entry.actor})`;
  }
  return JSON.stringify(d);
}
