import { checkpointHolds, openSqliteAuditIndex, rebuildIndex, SqliteAuditIndexStore } from '@warden/audit';
import type { Command } from 'commander';
import { CliUsageError, loadCliConfig } from '../cli-config';
import { ExitCode } from '../exit-codes';
import { Progress } from '../progress';
import { cliIndexPath } from './audit-index';
import { printJson, withLedger } from './with-ledger';

/** `warden index rebuild | status`: the audit index (decisions by org, device and position). */
export function registerIndexCommands(program: Command): void {
  const index = program.command('index').description('the audit index the control plane keeps beside the ledger (decisions by org, device and position)');

  index
    .command('rebuild')
    .description('build the audit index again from the ledger, from nothing (run it with the control plane stopped: the running node keeps its own index up to date, and rebuilds it by itself when it is unusable)')
    .option('--path <file>', 'the index file (default: WARDEN_DECISION_INDEX_PATH, else the node\'s decision-index-<nodeId>.sqlite in the data dir)')
    .action(async (options: { path?: string }) => {
      const path = options.path ?? requiredPath();
      const progress = new Progress('index');
      const started = Date.now();
      const records = await withLedger(async (ledger) => {
        const store = openSqliteAuditIndex(path, true);
        try {
          return await rebuildIndex(ledger, store, { onProgress: (read) => progress.update(read) });
        } finally {
          store.close();
        }
      });
      progress.stop();
      console.log(`audit index ${path}: ${records} decision records taken in, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });

  index
    .command('status')
    .description('where the audit index stands: its checkpoint, and whether the ledger still holds it')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const path = requiredPath();
      let store: SqliteAuditIndexStore;
      try {
        store = SqliteAuditIndexStore.open(path, { readonly: true });
      } catch (error) {
        const report = { path, usable: false, reason: error instanceof Error ? error.message : String(error) };
        if (options.json) printJson(report);
        else console.log(`audit index ${path}: not usable (${report.reason}); audit reads scan the ledger until it is rebuilt`);
        process.exitCode = ExitCode.CheckFailed;
        return;
      }
      try {
        const checkpoint = store.checkpoint();
        const report = await withLedger(async (ledger) => ({
          path,
          checkpoint: checkpoint?.position.toString() ?? null,
          ofThisLedger: checkpoint === undefined ? true : await checkpointHolds(ledger, checkpoint),
          ledgerHead: (await ledger.headPosition())?.toString() ?? null,
        }));
        const usable = report.ofThisLedger;
        if (options.json) printJson({ ...report, usable });
        else console.log(`audit index ${path}: checkpoint ${report.checkpoint ?? 'none'} (ledger head ${report.ledgerHead ?? 'none'})${usable ? '' : '; NOT of this ledger: it will be rebuilt'}`);
        process.exitCode = usable ? ExitCode.Ok : ExitCode.CheckFailed;
      } finally {
        store.close();
      }
    });
}

function requiredPath(): string {
  const path = cliIndexPath(loadCliConfig());
  if (path === undefined) throw new CliUsageError('no audit index here: set WARDEN_NODE_ID or WARDEN_DECISION_INDEX_PATH (the memory ledger has none)');
  return path;
}
