import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toHttpError } from './error-body';
import { API_HEADERS } from './security-plugins';

const HEADER_LINES = Object.entries(API_HEADERS)
  .map(([name, value]) => `${name}: ${value}\r\n`)
  .join('');

/**
 * Node's HTTP parser errors (a malformed request line, a NUL in a header, headers over the
 * 16 KB limit) happen before Fastify or any route: they are answered here in the API's error
 * contract (`invalid_request` 400, `headers_too_large` 431), with the security headers, and
 * the connection is closed, as it must be after a request that could not be framed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const { httpStatus, body } = toHttpError({
    statusCode: tooLarge ? 431 : 400,
    message: tooLarge ? 'the request headers are too large' : 'the request is not valid HTTP',
  });
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${httpStatus} ${STATUS_CODES[httpStatus]}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(text)}\r\n${HEADER_LINES}\r\n${text}`,
  );
}

/** Fastify's own errors before routing (e.g. FST_ERR_BAD_URL: a malformed percent escape), in the error contract. */
export function answerFrameworkError(error: Error, _request: FastifyRequest, reply: FastifyReply): void {
  const { httpStatus, body } = toHttpError(error);
  void reply.code(httpStatus).send(body);
}
