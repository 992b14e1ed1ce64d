import { z } from 'zod';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'not a 64-digit hex hash');
const decimal = z.string().regex(/^\d+$/, 'not a decimal string');

/** Schema of one exported record read back from an NDJSON line or a CSV row. Extra keys are refused. */
export const exportRecordSchema = z.strictObject({
  seq: z.number().int().positive(),
  position: decimal,
  stream: z.string().min(1),
  revision: decimal,
  eventId: z.string().min(1),
  type: z.string().min(1),
  data: z.unknown(),
  actor: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  prevHash: hex64,
  hash: hex64,
  chain: hex64,
});

/** Why a parsed value is not an export record, in one line. */
export function describeSchemaError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'record'}: ${issue.message}`).join('; ');
}
