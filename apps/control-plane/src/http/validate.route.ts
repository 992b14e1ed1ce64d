import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RequestConnection } from '../auth/consistency-wait';
import { ValidateDto } from './devices.schemas';
import type { ValidateAnswer } from './validate-request.handler';
import { ErrorBodyDto } from './common.responses';
import { ValidateResponseDto } from './devices.responses';

export const VALIDATE_PATH = '/api/v1/devices/validate';

/**
 * Answers one `POST validate` from its `x-org-key` header and parsed body
 * (ValidateRequestHandler.handle); throws WardenErrors (401, 400, 503). `connection` is the
 * HTTP response: a consistency wait is dropped when it closes.
 */
export type ValidateHandler = (orgKey: unknown, body: unknown, connection?: RequestConnection) => Promise<ValidateAnswer>;

/**
 * The route on the Fastify instance (not a Nest controller method: Nest's per-request
 * pipeline cost more than the rest of the route outside the ledger). Most requests never
 * reach it: ValidateFastPath answers them before Fastify; this route takes the rest (query
 * strings, other content types, chunked bodies) with Fastify's usual handling, and its
 * errors reach the same exception filter as every route.
 */
export function registerValidateRoute(app: NestFastifyApplication, handle: ValidateHandler): void {
  app
    .getHttpAdapter()
    .getInstance()
    .post(VALIDATE_PATH, (request: FastifyRequest, reply: FastifyReply) => handle(request.headers['x-org-key'], request.body, reply.raw));
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
