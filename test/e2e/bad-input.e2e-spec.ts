import { ADMIN_TOKEN, SQLITE, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';

interface BadRequest {
  readonly name: string;
  readonly method?: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly key?: 'org' | 'none' | 'unknown' | 'huge';
  readonly status: number;
  readonly error: string;
}

const register = '/api/v1/devices/register';
const validate = '/api/v1/devices/validate';
const heartbeat = '/api/v1/devices/heartbeat';
const policy = '/api/v1/org/policy';

const CASES: readonly BadRequest[] = [
  { name: 'malformed JSON', path: register, body: '{"deviceId": "a"', status: 400, error: 'invalid_json' },
  { name: 'a __proto__ key', path: register, body: '{"deviceId":"a","__proto__":{"admin":true}}', status: 400, error: 'invalid_json' },
  { name: 'a JSON array body', path: register, body: '[1,2]', status: 400, error: 'invalid_request' },
  { name: 'a JSON string body', path: validate, body: '"agent-01"', status: 400, error: 'invalid_request' },
  { name: 'an empty JSON body', path: register, body: '', status: 400, error: 'invalid_request' },
  { name: 'no body at all', path: validate, body: undefined, contentType: 'none', status: 400, error: 'invalid_request' },
  { name: 'missing deviceId', path: register, body: '{}', status: 400, error: 'invalid_request' },
  { name: 'empty deviceId', path: validate, body: '{"deviceId":""}', status: 400, error: 'invalid_request' },
  { name: 'over-long deviceId', path: register, body: JSON.stringify({ deviceId: 'x'.repeat(129) }), status: 400, error: 'invalid_request' },
  { name: 'deviceId with a space', path: register, body: '{"deviceId":"a b"}', status: 400, error: 'invalid_request' },
  { name: 'deviceId with a control character', path: register, body: '{"deviceId":"a\\u0000b"}', status: 400, error: 'invalid_request' },
  { name: 'deviceId of the wrong type', path: validate, body: '{"deviceId":42}', status: 400, error: 'invalid_request' },
  { name: 'labels of the wrong type', path: register, body: '{"deviceId":"a","labels":{"x":1}}', status: 400, error: 'invalid_request' },
  { name: 'an unknown field', path: register, body: '{"deviceId":"a","admin":true}', status: 400, error: 'invalid_request' },
  { name: 'deviceIds not an array', path: '/api/v1/devices/revoke_batch', body: '{"deviceIds":"a"}', status: 400, error: 'invalid_request' },
  { name: 'an empty batch', path: '/api/v1/devices/revoke_batch', body: '{"deviceIds":[]}', status: 400, error: 'invalid_request' },
  { name: 'a limit that is not an integer', path: '/api/v1/org/limits', body: '{"limit":2.5}', status: 400, error: 'invalid_request' },
  { name: 'a negative limit', path: '/api/v1/org/limits', body: '{"limit":-1}', status: 400, error: 'invalid_request' },
  { name: 'an unknown plan tier', path: '/api/v1/org/limits', body: '{"planTier":"gold"}', status: 400, error: 'invalid_request' },
  { name: 'an unknown key scope', path: '/api/v1/org/keys', body: '{"scope":"root"}', status: 400, error: 'invalid_request' },
  { name: 'a missing legacy query', method: 'GET', path: validate, status: 400, error: 'invalid_request' },
  { name: 'a bad legacy query', method: 'GET', path: `${validate}?deviceId=a%20b`, status: 400, error: 'invalid_request' },
  { name: 'a text/plain body', path: register, body: 'deviceId=a', contentType: 'text/plain', status: 415, error: 'unsupported_media_type' },
  { name: 'a form body', path: register, body: 'deviceId=a', contentType: 'application/x-www-form-urlencoded', status: 415, error: 'unsupported_media_type' },
  { name: 'an oversized body', path: register, body: JSON.stringify({ deviceId: 'a', labels: { pad: 'x'.repeat(70_000) } }), status: 413, error: 'payload_too_large' },
  { name: 'a missing key', path: validate, body: '{"deviceId":"a"}', key: 'none', status: 401, error: 'missing_key' },
  { name: 'an unknown key', path: validate, body: '{"deviceId":"a"}', key: 'unknown', status: 401, error: 'invalid_key' },
  { name: 'a huge key', path: validate, body: '{"deviceId":"a"}', key: 'huge', status: 401, error: 'invalid_key' },
  { name: 'a malformed heartbeat', path: heartbeat, body: '{"deviceId":', status: 400, error: 'invalid_json' },
  { name: 'a heartbeat without deviceId', path: heartbeat, body: '{}', status: 400, error: 'invalid_request' },
  { name: 'a heartbeat with an unknown field', path: heartbeat, body: '{"deviceId":"a","expiresAt":"2099-01-01T00:00:00Z"}', status: 400, error: 'invalid_request' },
  { name: 'a text/plain heartbeat', path: heartbeat, body: 'deviceId=a', contentType: 'text/plain', status: 415, error: 'unsupported_media_type' },
  { name: 'a heartbeat without a key', path: heartbeat, body: '{"deviceId":"a"}', key: 'none', status: 401, error: 'missing_key' },
  { name: 'a lease TTL of the wrong type', path: policy, body: '{"leaseTtlSeconds":"30"}', status: 400, error: 'invalid_request' },
  { name: 'a lease TTL below the minimum', path: policy, body: '{"leaseTtlSeconds":4}', status: 400, error: 'invalid_lease_ttl' },
  { name: 'a lease TTL above the maximum', path: policy, body: '{"leaseTtlSeconds":86401}', status: 400, error: 'invalid_lease_ttl' },
  { name: 'a policy without a TTL', path: policy, body: '{}', status: 400, error: 'invalid_request' },
  { name: 'an unknown route', path: '/api/v1/devices/explode', body: '{}', status: 404, error: 'not_found' },
  { name: 'a path trick', method: 'GET', path: '/api/v1/devices/../../etc/passwd', status: 404, error: 'not_found' },
];

describe('bad input', () => {
  let cp: RunningControlPlane;
  let http: WardenHttp;
  let orgKey: string;

  beforeAll(async () => {
    cp = await startControlPlane({ env: SQLITE });
    http = new WardenHttp(cp.url);
    orgKey = (await createOrg(http, ADMIN_TOKEN)).orgKey;
  });
  afterAll(() => cp.close({ removeData: true }));

  it.each(CASES)('refuses $name with $status $error and writes nothing to the ledger', async (bad) => {
    const before = await cp.ledger.headPosition();
    const key = { org: orgKey, none: undefined, unknown: 'org_nope', huge: `org_${'k'.repeat(10_000)}` }[bad.key ?? 'org'];
    const contentType = bad.contentType ?? 'application/json';
    const headers: Record<string, string> = {
      ...(key ? { 'x-org-key': key } : {}),
      ...(contentType !== 'none' ? { 'content-type': contentType } : {}),
    };

    const response = await http.request(bad.method ?? 'POST', bad.path, { body: bad.method === 'GET' ? undefined : bad.body, headers });

    expect(response.status).toBe(bad.status);
    expect(response.body).toMatchObject({ status: 'error', error: bad.error, message: expect.any(String) });
    expect(JSON.stringify(response.body)).not.toMatch(/\bat .+\.(js|ts):\d+/);
    expect(await cp.ledger.headPosition()).toBe(before);
  });

  it('refuses org creation without the admin token, and with a wrong one', async () => {
    const none = await http.post('/api/v1/org/create', {});
    const wrong = await http.withAdminToken('not-the-token').post('/api/v1/org/create', {});
    expect([none.status, none.body.error]).toEqual([401, 'missing_admin_token']);
    expect([wrong.status, wrong.body.error]).toEqual([401, 'invalid_admin_token']);
  });
});
