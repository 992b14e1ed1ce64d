import { WardenError } from '@warden/domain';
import { Command, CommanderError } from 'commander';
import { CliUsageError } from './cli-config';
import { registerAuditCommands } from './commands/audit.commands';
import { registerBackupCommands } from './commands/backup.commands';
import { registerDevicesCommands } from './commands/devices.commands';
import { registerExportCommands } from './commands/export.commands';
import { registerIndexCommands } from './commands/index.commands';
import { registerKeysCommands } from './commands/keys.commands';
import { registerLocksCommands } from './commands/locks.commands';
import { registerOrgCommands } from './commands/org.commands';
import { registerPropagationCommands } from './commands/propagation.commands';
import { ExitCode } from './exit-codes';
import { ApiRefusedError, ApiUnavailableError } from './http/api-client';
import { TOOL_VERSION } from './tool-version';

/**
 * `warden`: audit and compliance tools over the ledger (reads WARDEN_LEDGER, WARDEN_DATA_DIR
 * and EVENTSTORE_URL like the control plane, so it opens the same ledger), and operator
 * commands over the public HTTP API (WARDEN_URL, WARDEN_ORG_KEY).
 */
async function main(argv: readonly string[]): Promise<void> {
  const program = new Command('warden').version(TOOL_VERSION).exitOverride().showHelpAfterError();
  registerAuditCommands(program);
  registerExportCommands(program);
  registerBackupCommands(program);
  registerIndexCommands(program);
  registerDevicesCommands(program);
  registerOrgCommands(program);
  registerLocksCommands(program);
  registerKeysCommands(program);
  registerPropagationCommands(program);
  await program.parseAsync(argv as string[]);
}

main(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    return;
  }
  if (error instanceof CliUsageError || (error instanceof WardenError && error.kind === 'invalid')) {
    process.stderr.write(`warden: ${error.message}\n`);
    process.exitCode = ExitCode.Usage;
    return;
  }
  if (error instanceof ApiRefusedError) {
    process.stderr.write(`warden: ${error.code}: ${error.message}\n`);
    process.exitCode = ExitCode.CheckFailed;
    return;
  }
  if (error instanceof ApiUnavailableError) {
    process.stderr.write(`warden: ${error.message}\n`);
    process.exitCode = ExitCode.Unavailable;
    return;
  }
  if (error instanceof WardenError && error.kind === 'unavailable') {
    process.stderr.write(`warden: the ledger is unavailable: ${error.message}\n`);
    process.exitCode = ExitCode.Unavailable;
    return;
  }
  process.stderr.write(`warden: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = ExitCode.CheckFailed;
});
