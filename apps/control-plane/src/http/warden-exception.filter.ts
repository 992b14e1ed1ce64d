import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { throwError, type Observable } from 'rxjs';
import { isServerFault, toHttpError } from './error-body';

/** Every exception leaving a controller or guard goes out in the error contract; server faults (isServerFault) are logged. */
@Catch()
export class WardenExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    // NATS handlers answer their own errors; anything else from a non-HTTP context goes back to its transport.
    if (host.getType() !== 'http') return throwError(() => exception);
    const { httpStatus, body } = toHttpError(exception);
    if (isServerFault(exception, httpStatus)) this.logger.error({ err: exception }, 'request failed');
    void host.switchToHttp().getResponse<FastifyReply>().status(httpStatus).send(body);
  }
}
