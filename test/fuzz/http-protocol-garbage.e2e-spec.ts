import fc from 'fast-check';
import { ADMIN_TOKEN, SQLITE, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';
import { rawRequest, rawSocket, type RawResponse } from './support/raw-http';
import { appendedSince, CaseTally, errorShapeProblem, fuzzRuns, leaks } from './support/response-oracle';

jest.setTimeout(300_000);

const RUNS = fuzzRuns(300);

/**
 * Requests broken below the API: control bytes and NULs in the request line and headers,
 * malformed percent escapes, oversized headers, conflicting framing (request smuggling).
 * Node's HTTP parser or Fastify's router answers most of these before any warden code runs.
 */
describe('HTTP garbage below the API', () => {
  let cp: RunningControlPlane;
  let port: number;
  let orgKey: string;
  const tally = new CaseTally();

  beforeAll(async () => {
    cp = await startControlPlane({ env: SQLITE });
    port = Number(new URL(cp.url).port);
    orgKey = (await createOrg(new WardenHttp(cp.url), ADMIN_TOKEN)).orgKey;
    await new WardenHttp(cp.url).withKey(orgKey).post('/api/v1/devices/register', { deviceId: 'dev-1' });
  });
  afterAll(async () => {
    process.stdout.write(`\n${tally.report('HTTP protocol garbage')}\n`);
    await cp?.close({ removeData: true });
  });

  const rawByte = fc.integer({ min: 0, max: 255 }).map((code) => String.fromCharCode(code));
  const token = fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE', 'get', 'P\u0000ST', ''), fc.string({ unit: rawByte, maxLength: 8 }));
  const target = fc.oneof(
    fc.constantFrom('/api/v1/devices/validate', '/api/v1/usage', '/health', '*', 'http://127.0.0.1/api/v1/usage', '/api/v1/devices/validate?deviceId=dev-1'),
    fc.constantFrom('/api/v1/devi%ZZces', '/api/v1/%', '/api/v1/devices/%00', '/api/v1/de\u0000vices', '/api/v1/de vices', '/api/v1/\u00ff\u00fe', '/api/v1/\u0001'),
    fc.string({ unit: rawByte, maxLength: 30 }).map((s) => `/api/v1/${s}`),
  );
  const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x', 'HTTP/9', '');
  const header = () => fc.oneof(
    fc.constant(`x-org-key: ${orgKey}`),
    fc.constantFrom('content-type: application/json', 'content-length: 5', 'content-length: -1', 'content-length: 99999999999', 'transfer-encoding: chunked', 'transfer-encoding: gzip, chunked', 'x-org-key: a\u0000b', 'x-org-key:\u00ff\u00fe', 'bad header', ': novalue', 'x-org-key: ' + 'k'.repeat(20_000), 'host: a\u0001b'),
    fc.tuple(fc.string({ unit: rawByte, maxLength: 10 }), fc.string({ unit: rawByte, maxLength: 20 })).map(([name, value]) => `${name.replace(/[\r\n]/g, '')}: ${value.replace(/[\r\n]/g, '')}`),
  );
  const body = fc.oneof(fc.constant(''), fc.constantFrom('{"deviceId":"dev-1"}', '0\r\n\r\n', '5\r\n{"dev\r\n0\r\n\r\n', 'POST /api/v1/devices/register HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 22\r\n\r\n{"deviceId":"smuggled"}'), fc.string({ unit: rawByte, maxLength: 50 }));

  const garbage = () => fc.record({ method: token, target, version, headers: fc.array(header(), { maxLength: 5 }), body }).map(({ method, target, version, headers, body }) => {
    const text = `${method} ${target} ${version}\r\nhost: 127.0.0.1\r\n${headers.map((h) => `${h}\r\n`).join('')}connection: close\r\n\r\n${body}`;
    return Buffer.from(text, 'latin1');
  });

  function outcome(bytes: Buffer, response: RawResponse): string {
    if (response.status === 0) return 'closed without an answer';
    if (bytes.subarray(0, 5).toString('latin1') === 'HEAD ') return `${response.status} (HEAD, no body)`;
    const problem = response.status >= 400 ? errorShapeProblem(response) : undefined;
    return `${response.status}${problem ? ' outside the error contract' : ''}`;
  }

  /**
   * A complete legacy validate followed by stray bytes (a GET "body" with no length) is two
   * things to Node: the validate, which is served and recorded, and garbage, whose 400 may
   * overtake the validate's answer on the closing connection. Its one decision record is not a
   * write for a refused request.
   */
  function servedBeforeTheGarbage(bytes: Buffer, appended: readonly { type: string }[]): boolean {
    const text = bytes.toString('latin1');
    const validate = /^(GET|HEAD) \/api\/v1\/devices\/validate\?deviceId=dev-1 HTTP\/1\.[01]\r\n/.test(text) && text.includes(`\r\nx-org-key: ${orgKey}\r\n`);
    return validate && appended.length === 1 && appended[0]!.type === 'PermissionDecided';
  }

  it('never answers 5xx, never leaks internals, writes nothing for what it refuses, and keeps answering', async () => {
    await fc.assert(
      fc.asyncProperty(garbage(), async (bytes) => {
        const before = await cp.ledger.headPosition();
        const response = await rawSocket(port, bytes);
        const appended = await appendedSince(cp.ledger, before);
        tally.add('raw request', outcome(bytes, response));
        const context = `${JSON.stringify(bytes.toString('latin1').slice(0, 200))} → ${response.status} ${response.text.slice(0, 200)}`;
        if (response.status >= 500) throw new Error(`a ${response.status}: ${context}`);
        const leak = leaks(response.text);
        if (leak) throw new Error(`the answer carries ${leak}: ${context}`);
        const smuggled = appended.some((event) => JSON.stringify(event.data).includes('smuggled'));
        if (smuggled) throw new Error(`a smuggled request was executed: ${context}`);
        if ((response.status === 0 || response.status >= 400) && appended.length > 0 && !servedBeforeTheGarbage(bytes, appended)) {
          throw new Error(`a refused request wrote to the ledger: ${context}`);
        }
      }),
      { numRuns: RUNS },
    );
    const health = await rawRequest(port, { method: 'GET', path: '/health', headers: {} });
    expect(health.status).toBe(200);
  });

  /**
   * Node parser errors (431 for headers over 16 KB, 400 for a NUL in a header) and Fastify's
   * FST_ERR_BAD_URL (a malformed percent escape in the path) happen before any route; they
   * used to get Fastify's own body (`{"error":"Bad Request","message":"Client Error",...}`).
   * Fixed by the adapter's clientErrorHandler and frameworkErrors (http/protocol-errors.ts).
   */
  it('answers parser and router errors in the error contract too', async () => {
    const cases = [
      Buffer.from(`GET /api/v1/devi%ZZces HTTP/1.1\r\nhost: x\r\nx-org-key: ${orgKey}\r\nconnection: close\r\n\r\n`, 'latin1'),
      Buffer.from(`GET /api/v1/usage HTTP/1.1\r\nhost: x\r\nx-org-key: ${'k'.repeat(20_000)}\r\nconnection: close\r\n\r\n`, 'latin1'),
      Buffer.from('GET /api/v1/usage HTTP/1.1\r\nhost: x\r\nx-org-key: a\u0000b\r\nconnection: close\r\n\r\n', 'latin1'),
    ];
    for (const bytes of cases) {
      const response = await rawSocket(port, bytes);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(errorShapeProblem(response)).toBeUndefined();
    }
  });
});
