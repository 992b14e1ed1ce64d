import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { AckProgress } from '../ack-progress';
import { ExitCode } from '../exit-codes';
import { ApiRefusedError, type WardenApiClient } from '../http/api-client';
import { apiClient, parseArgument, printAnswer, withApiOptions, type OperatorOptions } from '../http/operator-command';
import { formatFields, formatTable } from '../table';

const latency = z.number().nullable();
const reportSchema = z.looseObject({
  propagation: z.looseObject({
    position: z.string(),
    eventType: z.string(),
    committedAt: z.string(),
    targets: z.number(),
    acked: z.number(),
    pending: z.array(z.string()),
    lagging: z.array(z.string()),
    complete: z.boolean(),
    ackLatencyMs: z.looseObject({ p50: latency, p90: latency, p99: latency, max: latency }),
  }),
});
type Report = z.infer<typeof reportSchema>['propagation'];

const positionSchema = z.string().regex(/^\d{1,19}$/, 'the position must be a ledger position (decimal digits), as a kill command answers it');
const secondsSchema = z.coerce.number().positive('--timeout must be a number of seconds above 0').max(3600, '--timeout is at most 3600 seconds');

/** Between two polls of `--wait`. */
const POLL_MS = 200;
/**
 * How long `--wait` tolerates change_not_known: the relay of the node asked may not have
 * processed a change committed a moment ago.
 */
const NOT_KNOWN_GRACE_MS = 2000;

interface PropagationOptions extends OperatorOptions {
  readonly wait?: boolean;
  readonly timeout: string;
}

/** `warden propagation <position>`: who of the live devices acknowledged a permission change, over the HTTP API. */
export function registerPropagationCommands(program: Command): void {
  withApiOptions(
    program
      .command('propagation')
      .description(
        'the propagation report of the permission change committed at a position: targets, acked, pending, lagging, ack latency (exit 0 when complete, 1 when not)',
      )
      .argument('<position>', 'the position a kill command answered (revoke, suspend, lock, …)'),
  )
    .option('--wait', 'poll until every target acked or the ack deadline passed (a progress bar on a terminal)')
    .option('--timeout <seconds>', 'with --wait, give up after this long', '60')
    .action(async (positionArgument: string, options: PropagationOptions) => {
      const position = parseArgument(positionSchema, positionArgument);
      const timeoutMs = parseArgument(secondsSchema, options.timeout) * 1000;
      const api = apiClient(options);
      const answer = options.wait ? await waitForReport(api, position, timeoutMs) : await api.get(`propagation?position=${position}`);
      const report = reportSchema.parse(answer).propagation;
      printAnswer(options, answer, () => describe(report));
      process.exitCode = report.complete ? ExitCode.Ok : ExitCode.CheckFailed;
    });
}

/** Polls the report until it is complete, has lagging targets (the deadline passed) or `timeoutMs` ran out. */
async function waitForReport(api: WardenApiClient, position: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const started = Date.now();
  const progress = new AckProgress();
  try {
    for (;;) {
      let answer: Record<string, unknown>;
      try {
        answer = await api.get(`propagation?position=${position}`);
      } catch (error) {
        const early = error instanceof ApiRefusedError && error.code === 'change_not_known' && Date.now() - started < NOT_KNOWN_GRACE_MS;
        if (!early) throw error;
        await sleep(POLL_MS);
        continue;
      }
      const report = reportSchema.parse(answer).propagation;
      progress.update(report.acked, report.targets, report.pending.length);
      if (report.complete || report.lagging.length > 0 || Date.now() - started >= timeoutMs) return answer;
      await sleep(POLL_MS);
    }
  } finally {
    progress.stop();
  }
}

function describe(report: Report): string {
  const ms = (value: number | null) => (value === null ? '-' : `${value} ms`);
  const { p50, p90, p99, max } = report.ackLatencyMs;
  const summary = formatFields([
    ['position', report.position],
    ['event', report.eventType],
    ['committed', report.committedAt],
    ['targets', report.targets],
    ['acked', report.acked],
    ['pending', report.pending.length],
    ['lagging', report.lagging.length],
    ['latency', `p50 ${ms(p50)}, p90 ${ms(p90)}, p99 ${ms(p99)}, max ${ms(max)}`],
    ['complete', report.complete ? 'yes' : 'no'],
  ]);
  if (report.pending.length === 0) return summary;
  const lagging = new Set(report.lagging);
  const rows = report.pending.map((deviceId) => [deviceId, lagging.has(deviceId) ? 'lagging' : 'pending']);
  return `${summary}\n\n${formatTable(['device', 'state'], rows)}`;
}
