import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import { ErrorBodyDto } from './common.responses';
import { ValidateResponseDto } from './devices.responses';
import { documentHeartbeatRoute } from './heartbeat.route';
import { documentValidateRoute } from './validate.route';

/**
 * The control plane's OpenAPI document, as served at /docs and as the console's API client is
 * generated from (scripts/console-api.ts): built from the controllers' decorators and zod DTOs,
 * plus the direct validate and heartbeat routes.
 */
export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('warden control plane')
      .setDescription('Register. Validate. Work. MachineID-compatible enforcement API.')
      .setVersion('1')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'x-org-key' }, 'x-org-key')
      .addBearerAuth()
      .build(),
    // Models of the direct validate route (documentValidateRoute refers to them by name).
    { extraModels: [ValidateResponseDto.Output, ErrorBodyDto.Output] },
  );
  documentValidateRoute(document);
  documentHeartbeatRoute(document);
  return keysAsSecurity(cleanupOpenApiDoc(document));
}

/**
 * The `x-org-key` header is declared on the controllers with `@ApiHeader`; in the document it
 * becomes what it is, the operation's security requirement (the `x-org-key` API key scheme),
 * so that /docs offers one "Authorize" for every route and a generated client does not make
 * every call pass the key by hand (the console adds it in one place).
 */
function keysAsSecurity(document: OpenAPIObject): OpenAPIObject {
  for (const path of Object.values(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = path[method];
      if (!operation?.parameters) continue;
      const withoutKey = operation.parameters.filter((parameter) => !('in' in parameter && parameter.in === 'header' && parameter.name === 'x-org-key'));
      if (withoutKey.length === operation.parameters.length) continue;
      operation.parameters = withoutKey;
      operation.security = [{ 'x-org-key': [] }];
    }
  }
  return document;
}
