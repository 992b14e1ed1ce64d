import { WardenError } from '@warden/domain';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { ValidateFastPath } from './validate.fast-path';
import { VALIDATE_PATH, type ValidateHandler } from './validate.route';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe('ValidateFastPath', () => {
  let server: Server;
  let port: number;
  let fastPath: ValidateFastPath;
  let errorLog: jest.SpyInstance;
  const calls: { orgKey: unknown; body: unknown }[] = [];
  let answer: () => Promise<object> = async () => ({ allowed: true, code: 'ALLOW' });
  const handler: ValidateHandler = (orgKey, body) => {
    calls.push({ orgKey, body });
    return answer() as never;
  };

  beforeEach(async () => {
    calls.length = 0;
    answer = async () => ({ allowed: true, code: 'ALLOW' });
    const logger: Logger = pino({ level: 'silent' });
    errorLog = jest.spyOn(logger, 'error');
    fastPath = new ValidateFastPath(1024, logger);
    // Stands for Fastify: whatever the fast path leaves, it answers 299 "fastify".
    server = createServer(fastPath.listener((_request, response) => response.writeHead(299).end('fastify')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  function send(options: { path?: string; method?: string; headers?: Record<string, string>; body?: string; chunked?: boolean }): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const body = options.body ?? '{"deviceId":"d1"}';
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-org-key': 'org_key', ...options.headers };
      if (!options.chunked) headers['content-length'] = String(Buffer.byteLength(body));
      const req = httpRequest({ host: '127.0.0.1', port, path: options.path ?? VALIDATE_PATH, method: options.method ?? 'POST', headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      if (options.chunked) req.write(body); // written before end: Node frames it chunked
      req.end(options.chunked ? undefined : body);
    });
  }

  it('leaves every request to Fastify until a handler is attached', async () => {
    expect((await send({})).status).toBe(299);
    expect(calls).toEqual([]);
  });

  describe('with a handler attached', () => {
    beforeEach(() => fastPath.attach(handler));

    it('answers a plain JSON POST itself, with the key, the parsed body and the API security headers', async () => {
      const answered = await send({ headers: { 'content-type': 'application/json; charset=utf-8' } });
      expect(answered.status).toBe(200);
      expect(JSON.parse(answered.body)).toEqual({ allowed: true, code: 'ALLOW' });
      expect(calls).toEqual([{ orgKey: 'org_key', body: { deviceId: 'd1' } }]);
      expect(answered.headers).toMatchObject({
        'content-type': 'application/json; charset=utf-8',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'cache-control': 'no-store',
      });
    });

    it.each([
      ['a query string', { path: `${VALIDATE_PATH}?deviceId=d1` }],
      ['another path', { path: `${VALIDATE_PATH}/` }],
      ['another method', { method: 'PUT' }],
      ['another content type', { headers: { 'content-type': 'text/plain' } }],
      ['a chunked body', { chunked: true }],
      ['a body over the limit', { body: JSON.stringify({ deviceId: 'x'.repeat(2000) }) }],
      ['an empty body', { body: '' }],
      ['a compressed body', { headers: { 'content-encoding': 'gzip' } }],
    ])('leaves %s to Fastify, untouched', async (_case, options) => {
      expect((await send(options)).status).toBe(299);
      expect(calls).toEqual([]);
    });

    it('leaves requests to Fastify once the server is closing (Fastify answers 503 and closes the connection)', () => {
      // Called as the 'request' listener of a server that no longer listens (close() was called):
      // a kept-alive connection's next request must not be answered here.
      const toFastify: string[] = [];
      const listener = fastPath.listener((request) => toFastify.push(request.url!));
      const request = { method: 'POST', url: VALIDATE_PATH, headers: { 'content-type': 'application/json', 'content-length': '17' } };
      listener.call({ listening: false } as Server, request as never, {} as never);
      expect(toFastify).toEqual([VALIDATE_PATH]);
      expect(calls).toEqual([]);
    });

    it('answers invalid JSON 400 invalid_json in the error contract, without calling the handler', async () => {
      const answered = await send({ body: '{"deviceId":' });
      expect(answered.status).toBe(400);
      expect(JSON.parse(answered.body)).toEqual({ status: 'error', error: 'invalid_json', message: 'the request body is not valid JSON' });
      expect(calls).toEqual([]);
    });

    it('refuses prototype-poisoning keys as invalid JSON', async () => {
      const answered = await send({ body: '{"deviceId":"d1","__proto__":{"admin":true}}' });
      expect([answered.status, JSON.parse(answered.body).error]).toEqual([400, 'invalid_json']);
    });

    it('maps what the handler throws to its status and error body', async () => {
      answer = async () => {
        throw new WardenError('unauthorized', 'invalid_key', 'the org key is unknown or revoked');
      };
      const answered = await send({});
      expect(answered.status).toBe(401);
      expect(JSON.parse(answered.body)).toEqual({ status: 'error', error: 'invalid_key', message: 'the org key is unknown or revoked' });
      expect(answered.headers['x-content-type-options']).toBe('nosniff');
    });

    it('never leaks an unexpected failure: 500 internal_error, no message of its own', async () => {
      answer = async () => {
        throw new Error('/srv/warden/secret/path exploded');
      };
      const answered = await send({});
      expect(answered.status).toBe(500);
      expect(answered.body).not.toContain('/srv/warden');
      expect(JSON.parse(answered.body)).toMatchObject({ status: 'error', error: 'internal_error' });
      expect(errorLog).toHaveBeenCalledTimes(1);
    });

    it('logs a 503 of the ledger, but not a not_caught_up, which any client can cause at will', async () => {
      answer = async () => {
        throw new WardenError('unavailable', 'not_caught_up', 'this replica has not reached position 9 yet; retry');
      };
      expect((await send({})).status).toBe(503);
      expect(errorLog).not.toHaveBeenCalled();
      answer = async () => {
        throw new WardenError('unavailable', 'ledger_unavailable', 'the ledger is down');
      };
      expect((await send({})).status).toBe(503);
      expect(errorLog).toHaveBeenCalledTimes(1);
    });
  });
});
