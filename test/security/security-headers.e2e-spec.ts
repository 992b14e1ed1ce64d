import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp, type JsonResponse } from '../support/http-client';

describe('security headers', () => {
  let cp: RunningControlPlane;
  let http: WardenHttp;
  let org: WardenHttp;

  beforeAll(async () => {
    cp = await startControlPlane({ env: { WARDEN_REGISTER_RATE_LIMIT: '1' } });
    http = new WardenHttp(cp.url);
    org = http.withKey((await createOrg(http, ADMIN_TOKEN)).orgKey);
  });
  afterAll(() => cp.close({ removeData: true }));

  function expectApiHeaders(response: JsonResponse): void {
    expect({
      nosniff: response.headers.get('x-content-type-options'),
      frame: response.headers.get('x-frame-options'),
      referrer: response.headers.get('referrer-policy'),
      csp: response.headers.get('content-security-policy'),
      cache: response.headers.get('cache-control'),
      poweredBy: response.headers.get('x-powered-by'),
    }).toEqual({
      nosniff: 'nosniff',
      frame: 'DENY',
      referrer: 'no-referrer',
      csp: "default-src 'none'; frame-ancestors 'none'",
      cache: 'no-store',
      poweredBy: null,
    });
  }

  it('are on answers that hold keys (org/create, org/keys)', async () => {
    const created = await http.withAdminToken(ADMIN_TOKEN).post('/api/v1/org/create', {});
    expect(created.body.orgApiKey).toMatch(/^org_/);
    expectApiHeaders(created);
    const issued = await org.post('/api/v1/org/keys', { scope: 'runtime' });
    expect(issued.body.key).toMatch(/^rt_/);
    expectApiHeaders(issued);
  });

  it('are on register, validate (POST and GET) and reads', async () => {
    expectApiHeaders(await org.post('/api/v1/devices/register', { deviceId: 'h-1' }));
    expectApiHeaders(await org.post('/api/v1/devices/validate', { deviceId: 'h-1' }));
    expectApiHeaders(await org.get('/api/v1/devices/validate?deviceId=h-1'));
    expectApiHeaders(await org.get('/api/v1/devices/list'));
    expectApiHeaders(await http.get('/health'));
  });

  it('are on error answers: 400, 401, 404, 415 and 429', async () => {
    const answers = [
      await org.post('/api/v1/devices/validate', { deviceId: '' }),
      await http.withKey('org_wrong').post('/api/v1/devices/validate', { deviceId: 'h-1' }),
      await http.get('/api/v1/nothing-here'),
      await org.post('/api/v1/devices/validate', 'deviceId=h-1', { 'content-type': 'application/x-www-form-urlencoded' }),
      await org.post('/api/v1/devices/register', { deviceId: 'h-2' }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([400, 401, 404, 415, 429]);
    for (const answer of answers) expectApiHeaders(answer);
  });

  it('let the OpenAPI page load its own scripts and styles, and nothing else, and never be framed', async () => {
    const page = await http.get('/docs');
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    // Every script the page loads comes from this server (so 'self' is enough), and loads.
    const scripts = [...(page.body as string).matchAll(/<script[^>]*src=['"]([^'"]+)['"]/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      expect(src).not.toMatch(/^https?:/);
      expect((await http.get(new URL(src, `${cp.url}/docs`).pathname)).status).toBe(200);
    }
    expect((page.body as string).match(/<script>/g) ?? []).toEqual([]);
  });
});
