import { decisionsStream } from '@warden/ledger';
import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp, type JsonResponse } from '../support/http-client';

const FAST = '/api/v1/devices/validate';
/** A query string sends the same request past the fast path, to the Fastify route. */
const ROUTE = '/api/v1/devices/validate?via=fastify';
const HEADERS = ['content-type', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'content-security-policy', 'cache-control'];

function comparable(response: JsonResponse) {
  const { request_id: _requestId, ...body } = (typeof response.body === 'object' ? response.body : { text: response.body }) as Record<string, unknown>;
  return { status: response.status, body, headers: Object.fromEntries(HEADERS.map((name) => [name, response.headers.get(name)])) };
}

describe('POST validate ahead of Fastify (fast path) and as the Fastify route', () => {
  let cp: RunningControlPlane;
  let http: WardenHttp;
  let org: WardenHttp;

  beforeAll(async () => {
    cp = await startControlPlane();
    http = new WardenHttp(cp.url);
    org = http.withKey((await createOrg(http, ADMIN_TOKEN)).orgKey);
    await org.post('/api/v1/devices/register', { deviceId: 'ok-1' });
    await org.post('/api/v1/devices/register', { deviceId: 'gone-1' });
    await org.post('/api/v1/devices/revoke', { deviceId: 'gone-1' });
  });
  afterAll(() => cp.close({ removeData: true }));

  type Send = (path: string) => Promise<JsonResponse>;
  const cases: { case: string; send: Send; status: number; answer: Record<string, unknown> }[] = [
    { case: 'an allowed device', send: (path) => org.post(path, { deviceId: 'ok-1' }), status: 200, answer: { allowed: true, code: 'ALLOW', deviceId: 'ok-1' } },
    { case: 'a revoked device', send: (path) => org.post(path, { deviceId: 'gone-1' }), status: 200, answer: { allowed: false, code: 'DEVICE_REVOKED', deviceId: 'gone-1' } },
    { case: 'an unknown device', send: (path) => org.post(path, { deviceId: 'nope' }), status: 200, answer: { allowed: false, code: 'DEVICE_NOT_REGISTERED', deviceId: 'nope' } },
    { case: 'no key', send: (path) => http.post(path, { deviceId: 'ok-1' }), status: 401, answer: { status: 'error', error: 'missing_key' } },
    { case: 'a wrong key', send: (path) => http.withKey('org_wrong').post(path, { deviceId: 'ok-1' }), status: 401, answer: { status: 'error', error: 'invalid_key' } },
    { case: 'a bad body', send: (path) => org.post(path, { deviceId: '' }), status: 400, answer: { status: 'error', error: 'invalid_request', field: 'deviceId' } },
    { case: 'an unknown field', send: (path) => org.post(path, { deviceId: 'ok-1', x: 1 }), status: 400, answer: { status: 'error', error: 'invalid_request' } },
    { case: 'invalid JSON', send: (path) => org.post(path, '{"deviceId":'), status: 400, answer: { status: 'error', error: 'invalid_json' } },
    {
      case: 'a token past the 64-bit range',
      send: (path) => org.post(path, { deviceId: 'ok-1', consistencyToken: '99999999999999999999' }),
      status: 400,
      answer: { status: 'error', error: 'invalid_request', field: 'consistencyToken' },
    },
  ];

  it.each(cases)('answers $case with $status, the same way on both', async ({ send, status, answer }) => {
    const [viaFastPath, viaRoute] = [await send(FAST), await send(ROUTE)];
    expect(viaFastPath.status).toBe(status);
    expect(viaFastPath.body).toMatchObject(answer);
    expect(comparable(viaFastPath)).toEqual(comparable(viaRoute));
  });

  it('puts a decision on the record for each validate, whichever way it came', async () => {
    const fast = await org.post(FAST, { deviceId: 'ok-1' });
    const route = await org.post(ROUTE, { deviceId: 'ok-1' });
    const nodeId = (await http.get('/health')).body.nodeId as string;
    const recorded = (await cp.ledger.readStream(decisionsStream(nodeId))).map((event) => event.eventId);
    expect(recorded).toEqual(expect.arrayContaining([fast.body.request_id, route.body.request_id]));
  });
});

describe('HEAD requests', () => {
  it('are not answered by GET routes: a HEAD of the legacy validate decides and records nothing', async () => {
    const cp = await startControlPlane();
    try {
      const http = new WardenHttp(cp.url);
      const org = http.withKey((await createOrg(http, ADMIN_TOKEN)).orgKey);
      await org.post('/api/v1/devices/register', { deviceId: 'ok-1' });
      const head = await cp.ledger.headPosition();
      const answer = await org.request('HEAD', '/api/v1/devices/validate?deviceId=ok-1');
      expect(answer.status).toBe(404);
      expect(await cp.ledger.headPosition()).toBe(head);
    } finally {
      await cp.close({ removeData: true });
    }
  });
});
