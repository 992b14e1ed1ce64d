import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { HeartbeatService, IdSource } from '@warden/enforcement';
import { PermissionProjection } from '@warden/projection';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authenticateOrgKey } from '../auth/org-key.authenticator';
import { DeviceIdDto } from './devices.schemas';
import { heartbeatEnvelope } from './envelopes';
import { RequestValidationError } from './error-body';
import type { FastPathHandler } from './validate.fast-path';

export const HEARTBEAT_PATH = '/api/v1/devices/heartbeat';

/**
 * The whole of `POST /api/v1/devices/heartbeat` but the HTTP framing: an org or runtime key,
 * `{deviceId}`, HeartbeatService (recorded like a validation, answered once durable).
 * Unknown, removed and expired devices are refused (403, the decision code in `error`).
 */
export function createHeartbeatHandler(app: NestFastifyApplication): FastPathHandler {
  const projection = app.get(PermissionProjection);
  const heartbeats = app.get(HeartbeatService);
  const ids = app.get(IdSource);
  const schema = DeviceIdDto.schema;
  return async (orgKey, body) => {
    const principal = authenticateOrgKey(projection, orgKey);
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new RequestValidationError(parsed.error);
    const { deviceId } = parsed.data;
    return heartbeatEnvelope(deviceId, await heartbeats.heartbeat(principal, deviceId, ids.uuid()), principal.orgId);
  };
}

/**
 * The route on the Fastify instance, like POST validate's (see validate.route.ts): the fast
 * path answers the plain requests, this route the rest, with the same handler.
 */
export function registerHeartbeatRoute(app: NestFastifyApplication, handle: FastPathHandler): void {
  app.getHttpAdapter().getInstance().post(HEARTBEAT_PATH, (request: FastifyRequest) => handle(request.headers['x-org-key'], request.body));
}

/** Adds the route to the OpenAPI document (Nest documents its controllers only). */
export function documentHeartbeatRoute(document: OpenAPIObject): void {
  document.paths[HEARTBEAT_PATH] = {
    ...document.paths[HEARTBEAT_PATH],
    post: {
      tags: ['devices'],
      summary: "A runtime's sign of life: renews its lease (leases on) and answers its current verdict; recorded like a validation",
      operationId: 'DevicesController_heartbeat',
      security: [{ 'x-org-key': [] }],
      parameters: [{ name: 'x-org-key', in: 'header', required: true, description: 'org key (admin) or runtime key', schema: { type: 'string' } }],
      requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(DeviceIdDto.schema, { io: 'input' }) as object } } },
      responses: {
        '200': { description: '{status, deviceId, expiresAt, leaseTtlSeconds, allowed, code, request_id, position}' },
        '403': { description: 'the device is unknown, removed or expired: `error` is DEVICE_NOT_REGISTERED or LEASE_EXPIRED; nothing renewed' },
        '503': { description: 'ledger_unavailable: the heartbeat could not be recorded; nothing renewed' },
      },
    },
  };
}
