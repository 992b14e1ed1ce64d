import type { Command } from 'commander';
import { z } from 'zod';
import { apiClient, parseArgument, printAnswer, withApiOptions, type OperatorOptions } from '../http/operator-command';
import { formatFields, formatTable } from '../table';

const issuedSchema = z.looseObject({ key: z.string(), keyId: z.string(), scope: z.string() });
const keyListSchema = z.looseObject({
  count: z.number(),
  keys: z.array(z.looseObject({ keyId: z.string(), scope: z.string(), issuedAt: z.string(), current: z.boolean() })),
});
const revokedSchema = z.looseObject({ keyId: z.string() });
const scopeOption = z.enum(['runtime', 'admin'], { error: '--scope is runtime or admin' });
const keyIdArgument = z.string().trim().min(1, 'give a key id').max(64);

/** `warden keys issue | list | revoke`: the org's API keys, over the HTTP API. */
export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description("the org's API keys (HTTP API: WARDEN_URL, WARDEN_ORG_KEY)");

  withApiOptions(keys.command('issue').description('issue a key; it is printed once, and only its hash is kept'))
    .option('--scope <scope>', 'runtime (register, validate, heartbeat, watch) or admin', 'runtime')
    .action(async (options: OperatorOptions & { scope: string }) => {
      const answer = await apiClient(options).post('org/keys', { scope: parseArgument(scopeOption, options.scope) });
      printAnswer(options, answer, (body) => {
        const issued = issuedSchema.parse(body);
        return `${formatFields([['keyId', issued.keyId], ['scope', issued.scope], ['key', issued.key]])}\nThe key is shown once: store it now.`;
      });
    });

  withApiOptions(keys.command('list').description("the org's active keys (ids and scopes, never the keys)")).action(async (options: OperatorOptions) => {
    const answer = await apiClient(options).get('org/keys');
    printAnswer(options, answer, (body) => {
      const list = keyListSchema.parse(body);
      const rows = list.keys.map((k) => [k.keyId, k.scope, k.issuedAt, k.current ? '(this key)' : '']);
      return `${formatTable(['key id', 'scope', 'issued', ''], rows)}\n${list.count} keys`;
    });
  });

  withApiOptions(keys.command('revoke <keyId>').description("revoke a key (the org's last admin key cannot be revoked)")).action(async (keyId: string, options: OperatorOptions) => {
    const answer = await apiClient(options).post('org/keys/revoke', { keyId: parseArgument(keyIdArgument, keyId) });
    printAnswer(options, answer, (body) => `key ${revokedSchema.parse(body).keyId} revoked`);
  });
}
