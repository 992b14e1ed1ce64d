import { HttpException } from '@nestjs/common';
import { WardenError, type ErrorKind } from '@warden/domain';
import { ZodError } from 'zod';

/** The error contract of the HTTP API: a stable `error` code and a human `message`, never a stack. */
export interface ErrorBody {
  readonly status: 'error';
  readonly error: string;
  readonly message: string;
  readonly [extra: string]: unknown;
}

export interface HttpError {
  readonly httpStatus: number;
  readonly body: ErrorBody;
}

const STATUS_BY_KIND: Readonly<Record<ErrorKind, number>> = {
  invalid: 400,
  unauthorized: 401,
  refused: 403,
  'not-found': 404,
  conflict: 409,
  exhausted: 429,
  unavailable: 503,
  corrupt: 503,
};

/** Fastify and Nest errors that mean bad input, by HTTP status. */
const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  431: 'headers_too_large',
};

/** Raised by the validation pipe with the zod error of a request body or query. */
export class RequestValidationError extends WardenError {
  constructor(readonly zodError: ZodError) {
    const issue = zodError.issues[0];
    const field = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    super('invalid', 'invalid_request', `${field}${issue?.message ?? 'invalid request'}`, {
      field: issue?.path.join('.') || undefined,
    });
  }
}

/** Maps anything thrown while serving a request to a status and an error body. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof WardenError) {
    return { httpStatus: STATUS_BY_KIND[error.kind], body: body(error.code, error.message, error.details) };
  }
  if (error instanceof HttpException) return fromStatus(error.getStatus(), error.message);
  const fastify = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof fastify?.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    if (fastify.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
      return { httpStatus: 400, body: body('invalid_json', 'the request body is not valid JSON') };
    }
    return fromStatus(fastify.statusCode, String(fastify.message ?? 'bad request'));
  }
  return { httpStatus: 500, body: body('internal_error', 'an internal error occurred; it has been logged') };
}

function fromStatus(status: number, message: string): HttpError {
  if (status >= 500) return { httpStatus: 500, body: body('internal_error', 'an internal error occurred; it has been logged') };
  return { httpStatus: status, body: body(CODE_BY_STATUS[status] ?? 'bad_request', message) };
}

function body(error: string, message: string, details?: Readonly<Record<string, unknown>>): ErrorBody {
  return { status: 'error', error, message, ...(details ? withoutUndefined(details) : {}) };
}

function withoutUndefined(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined));
}
