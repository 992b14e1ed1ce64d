import type { Command } from 'commander';
import { z } from 'zod';
import { confirm } from '../http/confirm';
import { apiClient, printAnswer, withApiOptions, type OperatorOptions } from '../http/operator-command';
import { formatFields } from '../table';

const usageSchema = z.looseObject({
  planTier: z.string(),
  planState: z.string(),
  limit: z.number(),
  devicesUsed: z.number(),
  remaining: z.number(),
  overLimit: z.boolean(),
  devicesRevoked: z.number().optional(),
  devicesTotal: z.number().optional(),
  devicesLive: z.number().nullish(),
});
const orgChangeSchema = z.looseObject({ orgId: z.string(), planState: z.string(), position: z.string() });
const orgSchema = z.looseObject({ orgId: z.string() });

/** `warden org usage | suspend | resume`: the org-wide kill switch, over the HTTP API. */
export function registerOrgCommands(program: Command): void {
  const org = program.command('org').description("the org's usage and its kill switch (HTTP API: WARDEN_URL, WARDEN_ORG_KEY)");

  withApiOptions(org.command('usage').description('plan, cap and seats used')).action(async (options: OperatorOptions) => {
    const answer = await apiClient(options).get('usage');
    printAnswer(options, answer, (body) => {
      const usage = usageSchema.parse(body);
      return formatFields([
        ['plan', usage.planTier],
        ['state', usage.planState],
        ['limit', usage.limit],
        ['used', usage.devicesUsed],
        ['remaining', usage.remaining],
        ['over limit', usage.overLimit ? 'yes' : 'no'],
        ['revoked', usage.devicesRevoked],
        ['total', usage.devicesTotal],
        ['live', usage.devicesLive ?? null],
      ]);
    });
  });

  withApiOptions(org.command('suspend').description('engage the kill switch: every validation of the org is denied with ORG_SUSPENDED'))
    .option('--reason <text>', 'why (recorded in the ledger)')
    .option('--yes', 'do not ask (needed without a terminal)')
    .action(async (options: OperatorOptions & { reason?: string; yes?: boolean }) => {
      const api = apiClient(options);
      const { orgId } = orgSchema.parse(await api.get('org'));
      if (!(await confirm(`Suspend org ${orgId}?`, options))) {
        process.stderr.write('warden: not suspended\n');
        return;
      }
      const answer = await api.post('org/suspend', options.reason !== undefined ? { reason: options.reason } : {});
      printAnswer(options, answer, (body) => describeChange(body, 'suspended: every validation is denied with ORG_SUSPENDED'));
    });

  withApiOptions(org.command('resume').description('release the kill switch')).action(async (options: OperatorOptions) => {
    const answer = await apiClient(options).post('org/resume');
    printAnswer(options, answer, (body) => describeChange(body, 'resumed'));
  });
}

function describeChange(body: Record<string, unknown>, what: string): string {
  const change = orgChangeSchema.parse(body);
  return `org ${change.orgId} ${what} (state ${change.planState}, position ${change.position})`;
}
