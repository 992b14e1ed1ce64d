import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { IdSource, ValidationService } from '@warden/enforcement';
import { PermissionProjection } from '@warden/projection';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { WARDEN_CONFIG } from '../lifecycle/tokens';
import type { WardenConfig } from '../config/warden-config';
import { consistencyTokenOf, reachConsistencyToken } from './auth/consistency-wait';
import { authenticateOrgKey } from './auth/org-key.authenticator';
import { ValidateDto } from './devices.schemas';
import { ErrorBodyDto } from './common.responses';
import { ValidateResponseDto } from './devices.responses';
import { validateEnvelope } from './envelopes';
import { RequestValidationError } from './error-body';

export const VALIDATE_PATH = '/api/v1/devices/validate';

/** Answers one `POST validate` from its `x-org-key` header and parsed body; throws WardenErrors (401, 400, 503). */
export type ValidateHandler = (orgKey: string | string[] | undefined, body: unknown) => Promise<ReturnType<typeof validateEnvelope>>;

/**
 * The whole of `POST /api/v1/devices/validate` but the HTTP framing, with the parts every
 * other route uses: OrgKeyGuard's consistency wait and authentication, ValidateDto's zod
 * schema with the validation pipe's error, ValidationService, validateEnvelope.
 */
export function createValidateHandler(app: NestFastifyApplication): ValidateHandler {
  const projection = app.get(PermissionProjection);
  const validation = app.get(ValidationService);
  const ids = app.get(IdSource);
  const { consistencyWaitMs } = app.get<WardenConfig>(WARDEN_CONFIG);
  const schema = ValidateDto.schema;
  return async (orgKey, body) => {
    await reachConsistencyToken(projection, consistencyTokenOf(body), consistencyWaitMs);
    const principal = authenticateOrgKey(projection, orgKey);
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new RequestValidationError(parsed.error);
    const { deviceId, consistencyToken } = parsed.data;
    const consistency = consistencyToken === undefined ? undefined : { position: BigInt(consistencyToken), waitMs: consistencyWaitMs };
    const result = await validation.validate(principal, deviceId, ids.uuid(), consistency);
    return validateEnvelope(deviceId, result, principal.orgId);
  };
}

/**
 * The route on the Fastify instance (not a Nest controller method: Nest's per-request
 * pipeline cost more than the rest of the route outside the ledger). Most requests never
 * reach it: ValidateFastPath answers them before Fastify; this route takes the rest (query
 * strings, other content types, chunked bodies) with Fastify's usual handling, and its
 * errors reach the same exception filter as every route.
 */
export function registerValidateRoute(app: NestFastifyApplication, handle: ValidateHandler): void {
  app.getHttpAdapter().getInstance().post(VALIDATE_PATH, (request: FastifyRequest) => handle(request.headers['x-org-key'], request.body));
}

/** Adds the route to the OpenAPI document (Nest documents its controllers only). */
export function documentValidateRoute(document: OpenAPIObject): void {
  document.paths[VALIDATE_PATH] = {
    ...document.paths[VALIDATE_PATH],
    post: {
      tags: ['devices'],
      summary: 'May this device work now? Binary answer, recorded before it is given',
      operationId: 'DevicesController_validate',
      security: [{ 'x-org-key': [] }],
      parameters: [{ name: 'x-org-key', in: 'header', required: true, description: 'org key (admin) or runtime key', schema: { type: 'string' } }],
      requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(ValidateDto.schema, { io: 'input' }) as object } } },
      responses: {
        '200': {
          description: 'the verdict (allowed or not, with its code), on the record',
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${ValidateResponseDto.Output.name}` } } },
        },
        default: {
          description: 'an error: `error` is a stable code',
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${ErrorBodyDto.Output.name}` } } },
        },
      },
    },
  };
}
