import { createServer, type RequestListener } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { AppModule, type AppModuleOptions } from './app.module';
import { PermissionPush } from './lifecycle/permission-push';
import { RawJsonDeserializer, RawJsonSerializer } from './nats/raw-json.serdes';
import { useJsonBodiesOnly } from './http/json-body-parser';
import { registerSecurityPlugins } from './http/security-plugins';
import { registerConsole } from './http/console.route';
import { registerValidateRoute } from './http/validate.route';
import { ValidateRequestHandler } from './http/validate-request.handler';
import { buildOpenApiDocument } from './http/openapi.document';
import { ValidateFastPath } from './http/validate.fast-path';
import { createHeartbeatHandler, HEARTBEAT_PATH, registerHeartbeatRoute } from './http/heartbeat.route';
import { answerClientError, answerFrameworkError } from './http/protocol-errors';
import { PinoNestLogger } from './observability/pino-logger';

/**
 * Builds the control plane (not yet listening): Fastify adapter with the body limit, the
 * OpenAPI page at /docs, and `POST validate` and `POST heartbeat` answered ahead of Fastify (ValidateFastPath).
 * Used by main.ts and by the e2e suites.
 */
export async function createApp(options: AppModuleOptions): Promise<NestFastifyApplication> {
  const fastPath = new ValidateFastPath(options.config.http.bodyLimitBytes, options.logger);
  const adapter = new FastifyAdapter({
    bodyLimit: options.config.http.bodyLimitBytes,
    logger: false,
    // No automatic HEAD twin of every GET: a HEAD of the legacy validate would decide and
    // record a decision whose answer nobody sees, and a HEAD of the SSE watch would open one.
    exposeHeadRoutes: false,
    serverFactory: (fastify: RequestListener) => createServer(fastPath.listener(fastify)),
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options), adapter, {
    logger: new PinoNestLogger(options.logger),
    abortOnError: false,
    bodyParser: false,
  });
  useJsonBodiesOnly(app.getHttpAdapter().getInstance());
  await registerSecurityPlugins(app, options.config);
  await registerConsole(app, options.config);
  const validate = app.get(ValidateRequestHandler).handle;
  registerValidateRoute(app, validate);
  fastPath.attach(validate);
  const heartbeat = createHeartbeatHandler(app);
  registerHeartbeatRoute(app, heartbeat);
  fastPath.attach(heartbeat, HEARTBEAT_PATH);
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app));
  if (options.config.natsUrl) {
    app.connectMicroservice<MicroserviceOptions>(
      {
        transport: Transport.NATS,
        options: {
          servers: [options.config.natsUrl],
          queue: 'warden-control-plane',
          serializer: new RawJsonSerializer(),
          deserializer: new RawJsonDeserializer(),
          waitOnFirstConnect: true,
          maxReconnectAttempts: -1,
        },
      },
      { inheritAppConfig: true },
    );
  }
  await app.init();
  if (options.config.natsUrl) {
    // In the background: with NATS down at start, HTTP must still come up; the NATS side
    // connects (and answers) whenever NATS is reachable.
    app.get(PermissionPush).track(
      app.startAllMicroservices().then(() => options.logger.info('answering validate/register over NATS request/reply')),
    );
  }
  return app;
}
