import { ADMIN_TOKEN, startControlPlane, type RunningControlPlane } from '../support/control-plane.harness';
import { createOrg, WardenHttp } from '../support/http-client';

describe('health, metrics and the OpenAPI page', () => {
  let cp: RunningControlPlane;
  let http: WardenHttp;

  beforeAll(async () => {
    cp = await startControlPlane();
    http = new WardenHttp(cp.url);
    const org = http.withKey((await createOrg(http, ADMIN_TOKEN)).orgKey);
    await org.post('/api/v1/devices/register', { deviceId: 'm-1' });
    await org.post('/api/v1/devices/validate', { deviceId: 'm-1' });
    await org.post('/api/v1/devices/validate', { deviceId: 'nobody' });
  });
  afterAll(() => cp.close({ removeData: true }));

  it('reports health with the node id and the projection position', async () => {
    const health = await http.get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', ledger: process.env.WARDEN_E2E_LEDGER ?? 'sqlite', nodeId: expect.stringMatching(/^node-/) });
    expect(BigInt(health.body.projection.position)).toBeGreaterThan(0n);
  });

  it('exposes Prometheus metrics: decisions by code, append latency, batch sizes, projection position', async () => {
    const metrics = await http.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = metrics.body as string;
    expect(text).toMatch(/^warden_decisions_total\{code="ALLOW"\} 1$/m);
    expect(text).toMatch(/^warden_decisions_total\{code="DEVICE_NOT_REGISTERED"\} 1$/m);
    expect(text).toMatch(/^warden_ledger_append_seconds_count\{stream="org",outcome="ok"\} [1-9]/m);
    expect(text).toMatch(/^warden_ledger_append_seconds_count\{stream="decisions",outcome="ok"\} [1-9]/m);
    expect(text).toMatch(/^warden_decision_batch_size_count [1-9]/m);
    expect(text).toMatch(/^warden_projection_position [1-9]/m);
  });

  it('serves the OpenAPI page at /docs, describing the API from the zod schemas', async () => {
    const page = await http.get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const spec = await http.get('/docs-json');
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/devices/register', '/api/v1/devices/validate', '/api/v1/org/create', '/api/v1/org/suspend', '/api/v1/usage']),
    );
    const schemas = JSON.stringify(spec.body.components.schemas);
    expect(schemas).toContain('deviceId');
    expect(schemas).toContain('maxLength');
  });
});
