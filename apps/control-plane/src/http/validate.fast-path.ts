import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { isServerFault, toHttpError } from './error-body';
import { parseJsonBody } from './json-body-parser';
import { API_HEADERS } from './security-plugins';
import { VALIDATE_PATH } from './validate.route';
import type { RequestConnection } from '../auth/consistency-wait';

/**
 * Answers one request of a fast-path route from its `x-org-key` header and parsed body; throws
 * WardenErrors. `connection` tells a handler that waits (a consistency token) when the client left.
 */
export type FastPathHandler = (orgKey: unknown, body: unknown, connection?: RequestConnection) => Promise<object>;

const JSON_CONTENT_TYPES = new Set(['application/json', 'application/json; charset=utf-8']);
const ANSWER_HEADERS: Readonly<Record<string, string>> = { ...API_HEADERS, 'content-type': 'application/json; charset=utf-8' };

/**
 * `POST /api/v1/devices/validate` (and `POST heartbeat`, which must cost what a validate
 * costs), answered in the HTTP server's request listener, before Fastify. On this machine Fastify's per-request machinery alone (request and reply objects,
 * hooks, the content-type parser's async resource) costs about 2.5x a bare node:http answer:
 * more than the decision and its durable record together (bench:validate, README). Only the
 * plain case is taken: the exact path, a JSON content type, a content-length within the body
 * limit. Everything else goes to Fastify untouched, where the same handler serves the same
 * path as a route. The answers are the same: the same handler, the security headers of the
 * Fastify hook, error bodies from toHttpError, server faults logged as the exception filter does.
 */
export class ValidateFastPath {
  private readonly handlers = new Map<string, FastPathHandler>();

  constructor(
    private readonly bodyLimitBytes: number,
    private readonly logger: Logger,
  ) {}

  /** Starts answering `path` (validate by default); until then its requests go to Fastify. */
  attach(handle: FastPathHandler, path: string = VALIDATE_PATH): void {
    this.handlers.set(path, handle);
  }

  /**
   * The server's request listener: this fast path first, Fastify's `handler` for everything
   * else. Once the server is closing (no longer listening), every request goes to Fastify,
   * which answers 503 with `connection: close`: otherwise a client keeping its connection
   * busy with validations would hold a graceful shutdown open for ever.
   */
  listener(fastify: RequestListener): RequestListener {
    const fastPath = this;
    return function (this: Server, request, response) {
      const handle = this.listening ? fastPath.takes(request) : undefined;
      if (handle !== undefined) fastPath.serve(handle, request, response);
      else fastify(request, response);
    };
  }

  /** The handler of a plain request to one of the attached paths, or undefined (Fastify's). */
  private takes(request: IncomingMessage): FastPathHandler | undefined {
    if (request.method !== 'POST') return undefined;
    const handle = this.handlers.get(request.url ?? '');
    if (handle === undefined) return undefined;
    const { headers } = request;
    const type = headers['content-type'];
    if (type === undefined || !JSON_CONTENT_TYPES.has(type.toLowerCase())) return undefined;
    if (headers['transfer-encoding'] !== undefined || headers['content-encoding'] !== undefined) return undefined;
    const length = Number(headers['content-length']);
    return length > 0 && length <= this.bodyLimitBytes ? handle : undefined;
  }

  private serve(handle: FastPathHandler, request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('error', () => response.destroy());
    request.on('end', () => {
      let answer: Promise<object>;
      try {
        const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
        answer = handle(request.headers['x-org-key'], parseJsonBody(text), response);
      } catch (error) {
        answer = Promise.reject(error);
      }
      answer.then(
        (body) => send(response, 200, body),
        (error: unknown) => {
          const { httpStatus, body } = toHttpError(error);
          if (isServerFault(error, httpStatus)) this.logger.error({ err: error }, 'request failed');
          send(response, httpStatus, body);
        },
      );
    });
  }
}

function send(response: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...ANSWER_HEADERS, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
