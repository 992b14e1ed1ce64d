import { exportOrg, verifyExport } from '@warden/audit';
import type { Command } from 'commander';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { CliUsageError, loadCliConfig } from '../cli-config';
import { openIndexForReading } from './audit-index';
import { ExitCode } from '../exit-codes';
import { Progress } from '../progress';
import { TOOL_VERSION } from '../tool-version';
import { printJson, withLedger } from './with-ledger';

/** `warden export`, `warden verify`, `warden keygen`. */
export function registerExportCommands(program: Command): void {
  program
    .command('export')
    .description("an org's control events and decisions, in ledger order, with a manifest (and an Ed25519 signature)")
    .requiredOption('--org <orgId>', 'the org')
    .option('--from <time>', 'ISO 8601 start (inclusive)')
    .option('--to <time>', 'ISO 8601 end (inclusive)')
    .option('--format <format>', 'ndjson or csv', 'ndjson')
    .requiredOption('--out <file>', 'where to write the export (the manifest goes beside it)')
    .option('--sign <keyFile>', 'PEM Ed25519 private key: sign the manifest')
    .action(async (options: { org: string; from?: string; to?: string; format: string; out: string; sign?: string }) => {
      if (options.format !== 'ndjson' && options.format !== 'csv') throw new CliUsageError('--format must be ndjson or csv');
      const progress = new Progress('export');
      const index = openIndexForReading(loadCliConfig());
      const manifest = await withLedger((ledger) =>
        exportOrg(ledger, {
          ...index.search,
          orgId: options.org,
          from: options.from,
          to: options.to,
          format: options.format as 'ndjson' | 'csv',
          out: options.out,
          signingKey: options.sign ? readFileSync(options.sign, 'utf8') : undefined,
          toolVersion: TOOL_VERSION,
          onProgress: (records: number) => progress.update(records),
        }),
      ).finally(index.close);
      progress.stop();
      console.log(`exported ${manifest.records} records (${manifest.controlEvents} control events, ${manifest.decisions} decisions) to ${options.out}`);
      console.log(`manifest: ${options.out}.manifest.json${options.sign ? ` (signed: ${options.out}.manifest.sig)` : ''}; sha256 ${manifest.sha256}`);
    });

  program
    .command('verify')
    .description('check an export: manifest, file hash, record hashes, chains and signature; names the first bad record')
    .argument('<file>', 'the export file')
    .option('--public-key <keyFile>', 'PEM Ed25519 public key the manifest must be signed with')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { publicKey?: string; json?: boolean }) => {
      const report = await verifyExport(file, { publicKey: options.publicKey ? readFileSync(options.publicKey, 'utf8') : undefined });
      if (options.json) printJson(report);
      else if (report.ok) console.log(`OK: ${report.records} records verified`);
      else {
        console.log(`FAILED: ${report.problems.length} problem(s)`);
        if (report.firstBad) console.log(`  first bad record: seq ${report.firstBad.seq ?? '-'} position ${report.firstBad.position ?? '-'}: ${report.firstBad.reason}`);
        for (const p of report.problems.slice(0, 20)) console.log(`  - ${p.seq !== undefined ? `seq ${p.seq}: ` : ''}${p.reason}`);
      }
      process.exitCode = report.ok ? ExitCode.Ok : ExitCode.CheckFailed;
    });

  program
    .command('keygen')
    .description('make an Ed25519 key pair for signing exports')
    .requiredOption('--out <prefix>', 'writes <prefix>.key (private, mode 0600) and <prefix>.pub')
    .action((options: { out: string }) => {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      writeFileSync(`${options.out}.key`, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      writeFileSync(`${options.out}.pub`, publicKey.export({ type: 'spki', format: 'pem' }));
      console.log(`wrote ${options.out}.key and ${options.out}.pub`);
    });
}
