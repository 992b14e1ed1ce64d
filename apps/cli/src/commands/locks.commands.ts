import type { Command } from 'commander';
import { z } from 'zod';
import { apiClient, parseArgument, printAnswer, withApiOptions, type OperatorOptions } from '../http/operator-command';
import { formatLabels, formatTable } from '../table';

const lockViewSchema = z.looseObject({
  lockId: z.string(),
  selector: z.looseObject({ deviceId: z.string().optional(), labels: z.record(z.string(), z.string()).optional() }),
  reason: z.string(),
  expiresAt: z.string().nullish(),
  placedAt: z.string(),
  matched: z.number(),
});
const lockListSchema = z.looseObject({ count: z.number(), locks: z.array(lockViewSchema) });
const liftSchema = z.looseObject({ lockId: z.string() });

/** `--label k=v` (repeatable), `--device`, `--reason`, `--expires`: checked here, before any request. */
const addOptionsSchema = z
  .object({
    label: z
      .array(z.string().regex(/^[^=]+=.*$/, '--label takes key=value'))
      .default([])
      .transform((pairs) => Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]))),
    device: z.string().trim().min(1, '--device takes a device id').optional(),
    reason: z.string({ error: '--reason is required: say why' }).trim().min(1, '--reason must not be empty'),
    expires: z.iso.datetime({ offset: true, error: '--expires takes an ISO 8601 time with a zone, e.g. 2030-01-02T03:04:05Z' }).optional(),
  })
  .refine((o) => o.device !== undefined || Object.keys(o.label).length > 0, 'give --device, --label k=v, or both (to stop the whole org, use warden org suspend)');
const lockIdArgument = z.string().trim().min(1, 'give a lock id').max(64);

/** `warden locks add | list | remove`: scoped kill switches, over the HTTP API. */
export function registerLocksCommands(program: Command): void {
  const locks = program.command('locks').description('scoped kill switches: stop a device or every device with given labels (HTTP API: WARDEN_URL, WARDEN_ORG_KEY)');

  withApiOptions(locks.command('add').description('place a lock: every matching device (now or registered later) is denied with DEVICE_LOCKED'))
    .option('--label <key=value>', 'match devices carrying this label (repeatable: all must match)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--device <deviceId>', 'match this device')
    .option('--reason <text>', 'why (required; shown in the lock list)')
    .option('--expires <iso>', 'lift it by itself at this time (ISO 8601 with a zone)')
    .action(async (options: OperatorOptions & { label?: string[]; device?: string; reason?: string; expires?: string }) => {
      const add = parseArgument(addOptionsSchema, options);
      const selector = { ...(add.device !== undefined ? { deviceId: add.device } : {}), ...(Object.keys(add.label).length > 0 ? { labels: add.label } : {}) };
      const answer = await apiClient(options).post('locks', { selector, reason: add.reason, ...(add.expires !== undefined ? { expiresAt: add.expires } : {}) });
      printAnswer(options, answer, (body) => {
        const lock = lockViewSchema.parse(body);
        return `lock ${lock.lockId} placed on ${describeSelector(lock.selector)}: ${lock.matched} active devices denied now${lock.expiresAt ? `, until ${lock.expiresAt}` : ''}`;
      });
    });

  withApiOptions(locks.command('list').description('the active locks, in placement order')).action(async (options: OperatorOptions) => {
    const answer = await apiClient(options).get('locks');
    printAnswer(options, answer, (body) => {
      const list = lockListSchema.parse(body);
      const rows = list.locks.map((l) => [l.lockId, l.selector.deviceId, formatLabels(l.selector.labels), l.matched, l.reason, l.expiresAt, l.placedAt]);
      return `${formatTable(['lock', 'device', 'labels', 'matched', 'reason', 'expires', 'placed'], rows)}\n${list.count} locks`;
    });
  });

  withApiOptions(locks.command('remove <lockId>').description('lift a lock')).action(async (lockId: string, options: OperatorOptions) => {
    const answer = await apiClient(options).post('locks/remove', { lockId: parseArgument(lockIdArgument, lockId) });
    printAnswer(options, answer, (body) => `lock ${liftSchema.parse(body).lockId} lifted`);
  });
}

function describeSelector(selector: z.infer<typeof lockViewSchema>['selector']): string {
  const parts = [selector.deviceId !== undefined ? `device ${selector.deviceId}` : '', selector.labels ? `labels ${formatLabels(selector.labels)}` : ''];
  return parts.filter(Boolean).join(' and ');
}
