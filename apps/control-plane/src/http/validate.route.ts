import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { IdSource, ValidationService } from '@warden/enforcement';
import { PermissionProjection } from '@warden/projection';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { WARDEN_CONFIG } from '../lifecycle/tokens';
import type { WardenConfig } from '../config/warden-config';
import { authenticateOrgKey } from './auth/org-key.authenticator';
import { ValidateDto } from './devices.schemas';
import { validateEnvelope } from './envelopes';
import { RequestValidationError } from './error-body';

export const VALIDATE_PATH = '/api/v1/devices/validate';

/**
 * `POST /api/v1/devices/validate`, the hot path, as a route of its own on the Fastify
 * instance rather than a Nest controller method: every runtime calls it before every unit of
 * work, and Nest's per-request pipeline (guard and pipe lookup, param factories, the
 * observable around the handler) cost more than the rest of the route put together outside
 * the ledger (bench:validate). It does exactly what the controller route did, with the same
 * parts: the org-key authentication of OrgKeyGuard, the zod schema of ValidateDto with the
 * pipe's RequestValidationError, ValidationService, validateEnvelope; errors thrown here
 * reach the same exception filter (Nest installs it as Fastify's error handler), and the
 * instance's hooks (security headers) apply as to every route.
 */
export function registerValidateRoute(app: NestFastifyApplication): void {
  const projection = app.get(PermissionProjection);
  const validation = app.get(ValidationService);
  const ids = app.get(IdSource);
  const { consistencyWaitMs } = app.get<WardenConfig>(WARDEN_CONFIG);
  const schema = ValidateDto.schema;
  app.getHttpAdapter().getInstance().post(VALIDATE_PATH, async (request: FastifyRequest) => {
    const principal = authenticateOrgKey(projection, request.headers['x-org-key']);
    const parsed = schema.safeParse(request.body);
    if (!parsed.success) throw new RequestValidationError(parsed.error);
    const { deviceId, consistencyToken } = parsed.data;
    const consistency = consistencyToken === undefined ? undefined : { position: BigInt(consistencyToken), waitMs: consistencyWaitMs };
    const result = await validation.validate(principal, deviceId, ids.uuid(), consistency);
    return validateEnvelope(deviceId, result, principal.orgId);
  });
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
      responses: { '200': { description: 'the verdict (allowed or not, with its code), on the record' } },
    },
  };
}
