import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { throwError, type Observable } from 'rxjs';
import { toHttpError } from './error-body';

/** Every exception leaving a controller or guard goes out in the error contract; 5xx are logged. */
@Catch()
export class WardenExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    // NATS handlers answer their own errors; anything else from a non-HTTP context goes back to its transport.
    if (host.getType() !== 'http') return throwError(() => exception);
    const { httpStatus, body } = toHttpError(exception);
    if (httpStatus >= 500) this.logger.error({ err: exception }, 'request failed');
    void host.switchToHttp().getResponse<FastifyReply>().status(httpStatus).send(body);
  }
}
