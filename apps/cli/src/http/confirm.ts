import { createInterface } from 'node:readline/promises';
import { CliUsageError } from '../cli-config';

/**
 * Asks a yes/no question on the terminal (default no). Without a terminal on stdin it refuses
 * with a usage error rather than go ahead: a destructive command never runs unasked, so a
 * script must say `--yes`.
 */
export async function confirm(question: string, options: { yes?: boolean }): Promise<boolean> {
  if (options.yes) return true;
  if (!process.stdin.isTTY) throw new CliUsageError(`${question.replace(/\?$/, '')}: refused without a terminal to ask on; pass --yes to confirm`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
