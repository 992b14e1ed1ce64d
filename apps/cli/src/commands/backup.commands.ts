import { backupLedger, type BackupProgress, type BackupReport } from '@warden/audit';
import { sqliteLedgerPath } from '@warden/ledger';
import type { Command } from 'commander';
import { CliUsageError, loadCliConfig } from '../cli-config';
import { ExitCode } from '../exit-codes';
import { Progress } from '../progress';
import { printJson } from './with-ledger';

/** `warden backup`: a verified online copy of the embedded SQLite ledger. */
export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description('copy the SQLite ledger while the control plane serves (SQLite online backup), verify every hash chain of the copy, then write it to --out')
    .requiredOption('--out <file>', 'the backup file (must not exist, unless --force)')
    .option('--force', 'replace --out if it exists')
    .option('--json', 'print the report as JSON')
    .action(async (options: { out: string; force?: boolean; json?: boolean }) => {
      const config = loadCliConfig();
      if (config.ledger !== 'sqlite') {
        throw new CliUsageError(
          `warden backup copies the embedded SQLite ledger (WARDEN_LEDGER=sqlite); with ${config.ledger} use the server's own backup (docs/operations.md, "Backups and restore")`,
        );
      }
      const bars = { copy: new Progress('copy', 'pages'), verify: new Progress('verify') };
      const onProgress = (progress: BackupProgress): void => {
        if (progress.phase === 'copy') return bars.copy.update(progress.done, progress.total);
        bars.copy.stop(); // one bar at a time on the terminal: the copy is done
        bars.verify.update(progress.done);
      };
      let report: BackupReport;
      try {
        report = await backupLedger({ ledgerPath: sqliteLedgerPath(config.dataDir), out: options.out, force: options.force, onProgress });
      } finally {
        bars.copy.stop();
        bars.verify.stop();
      }
      if (options.json) printJson(report);
      else printReport(report);
      process.exitCode = report.ok ? ExitCode.Ok : ExitCode.CheckFailed;
    });
}

function printReport(report: BackupReport): void {
  if (!report.ok) {
    console.log(`FAILED: the copy has ${report.chainBreaks.length} hash-chain break(s); nothing was written to ${report.out}`);
    for (const b of report.chainBreaks.slice(0, 20)) console.log(`  CHAIN BREAK ${b.streamId} revision ${b.revision} at ${b.position}: ${b.reason}`);
    console.log('  the live ledger has them too: run `warden audit replay`');
    return;
  }
  console.log(`backed up ${report.events} events (head position ${report.headPosition || 'none'}) to ${report.out}`);
  console.log(`verified: every hash chain holds; ${report.bytes} bytes, sha256 ${report.sha256} (copy ${report.copyMs} ms, verify ${report.verifyMs} ms)`);
}
