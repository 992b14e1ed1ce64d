import type { Command } from 'commander';
import { z } from 'zod';
import { apiClient, parseArgument, printAnswer, withApiOptions, type OperatorOptions } from '../http/operator-command';
import { formatLabels, formatTable } from '../table';

const deviceListSchema = z.looseObject({
  count: z.number(),
  limit: z.number(),
  devicesUsed: z.number(),
  devices: z.array(
    z.looseObject({
      deviceId: z.string(),
      status: z.string(),
      allowed: z.boolean(),
      code: z.string(),
      labels: z.record(z.string(), z.string()).nullish(),
      registeredAt: z.string(),
      revokedReason: z.string().nullish(),
    }),
  ),
});
const deviceCommandSchema = z.looseObject({ deviceId: z.string(), result: z.string(), devicesUsed: z.number(), limit: z.number() });
const deviceIdArgument = z.string().trim().min(1, 'give a device id').max(256);

/** `warden devices list | revoke | restore | remove`, over the HTTP API (admin-scoped org key). */
export function registerDevicesCommands(program: Command): void {
  const devices = program.command('devices').description("list and revoke, restore or remove an org's devices (HTTP API: WARDEN_URL, WARDEN_ORG_KEY)");

  withApiOptions(devices.command('list').description('every device with its status and what validate would answer now')).action(async (options: OperatorOptions) => {
    const answer = await apiClient(options).get('devices/list');
    printAnswer(options, answer, (body) => {
      const list = deviceListSchema.parse(body);
      const rows = list.devices.map((d) => [d.deviceId, d.status, d.allowed ? 'yes' : 'no', d.code, formatLabels(d.labels), d.registeredAt, d.revokedReason]);
      return `${formatTable(['device', 'status', 'allowed', 'code', 'labels', 'registered', 'reason'], rows)}\n${list.count} devices, ${list.devicesUsed} of ${list.limit} seats used`;
    });
  });

  const change = (name: string, path: string, description: string, withReason: boolean) => {
    const command = withApiOptions(devices.command(`${name} <deviceId>`).description(description));
    if (withReason) command.option('--reason <text>', 'why (recorded in the ledger)');
    command.action(async (deviceId: string, options: OperatorOptions & { reason?: string }) => {
      const id = parseArgument(deviceIdArgument, deviceId);
      const answer = await apiClient(options).post(path, { deviceId: id, ...(options.reason !== undefined ? { reason: options.reason } : {}) });
      printAnswer(options, answer, (body) => {
        const result = deviceCommandSchema.parse(body);
        return `${result.deviceId}: ${result.result.replace(/_/g, ' ')} (${result.devicesUsed} of ${result.limit} seats used)`;
      });
    });
  };
  change('revoke', 'devices/revoke', 'revoke a device: every validation is denied with DEVICE_REVOKED, and its runtime is told at once', true);
  change('restore', 'devices/unrevoke', 'restore a revoked device (refused at the cap)', false);
  change('remove', 'devices/remove', 'forget a device and free its seat (it may register again, as a new registration)', false);
}
