import type { Command } from 'commander';
import type { z } from 'zod';
import { CliUsageError } from '../cli-config';
import { printJson } from '../commands/with-ledger';
import { WardenApiClient } from './api-client';
import { loadApiConfig, type ApiOptions } from './api-config';

/** Options every operator command takes. */
export interface OperatorOptions extends ApiOptions {
  readonly json?: boolean;
}

/** Adds `--url`, `--key` and `--json` to a command that talks to the control plane. */
export function withApiOptions(command: Command): Command {
  return command
    .option('--url <url>', 'the control plane (default: WARDEN_URL)')
    .option('--key <orgKey>', 'the org key (default: WARDEN_ORG_KEY; prefer the variable: arguments show in process lists)')
    .option('--json', "print the API's answer as JSON");
}

/** The API client for one command run, from its options and the environment. */
export function apiClient(options: ApiOptions): WardenApiClient {
  return new WardenApiClient(loadApiConfig(options));
}

/** Prints the answer: as JSON with `--json`, else as the command's human form. */
export function printAnswer(options: OperatorOptions, answer: Record<string, unknown>, human: (answer: Record<string, unknown>) => string): void {
  if (options.json) printJson(answer);
  else process.stdout.write(`${human(answer)}\n`);
}

/** Parses one command-line value with zod; a bad one is a usage error. */
export function parseArgument<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CliUsageError(parsed.error.issues[0]!.message);
  return parsed.data;
}
